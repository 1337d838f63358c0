// Figure builders: envelope bounds, seconds on the time axis, min ≤ max, subplot axes, confusion matrix layout.
import { describe, expect, it } from 'vitest';
import {
  barFigure,
  confusionMatrixFigure,
  featureCurvesFigure,
  matrixRows,
  heatmapFigure,
  linesFigure,
  minMaxEnvelope,
  spectrogramFigure,
  subplots,
  trainingCurvesFigure,
  waveformFigure,
  waveformGridFigure,
} from '../../lib/plot';
import { mulberry32 } from '../../lib/util/random';

function noise(n: number, seed = 1): Float32Array {
  const rng = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.9 * (rng() * 2 - 1);
  return out;
}

describe('minMaxEnvelope', () => {
  it('keeps every peak: the global min and max survive, each bin brackets its samples', () => {
    const x = noise(10_007);
    x[4321] = 0.999;
    x[9000] = -0.998;
    const env = minMaxEnvelope(x, 1000, 100);
    expect(env.max.length).toBe(100);
    expect(Math.max(...env.max)).toBeCloseTo(0.999, 5);
    expect(Math.min(...env.min)).toBeCloseTo(-0.998, 5);
    for (let b = 0; b < 100; b++) {
      expect(env.min[b]).toBeLessThanOrEqual(env.max[b]);
      const start = Math.floor((b * x.length) / 100);
      const end = Math.floor(((b + 1) * x.length) / 100);
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = start; i < end; i++) {
        lo = Math.min(lo, x[i]);
        hi = Math.max(hi, x[i]);
      }
      expect(env.min[b]).toBeCloseTo(lo, 4);
      expect(env.max[b]).toBeCloseTo(hi, 4);
      expect(env.timeSeconds[b]).toBeCloseTo(start / 1000, 6);
    }
  });
});

describe('waveformFigure', () => {
  it('draws a 4 s clip at 44.1 kHz as an envelope of at most maxPoints points per trace, x in seconds', () => {
    const sampleRate = 44_100;
    const x = noise(4 * sampleRate);
    const fig = waveformFigure(x, sampleRate, { title: 'clip' });
    expect(fig.data.length).toBe(2);
    for (const trace of fig.data) {
      const xs = trace.x as number[];
      expect(xs.length).toBeGreaterThan(100);
      expect(xs.length).toBeLessThanOrEqual(2000);
      expect(xs[0]).toBe(0);
      expect(xs[xs.length - 1]).toBeLessThan(4);
      expect(xs[xs.length - 1]).toBeGreaterThan(3.99);
    }
    const [hi, lo] = fig.data.map((t) => t.y as number[]);
    hi.forEach((v, i) => expect(lo[i]).toBeLessThanOrEqual(v));
    expect((fig.layout.xaxis as { range: number[] }).range).toEqual([0, 4]);
    expect(JSON.stringify(fig.layout)).toContain('time (s)');
    expect(JSON.stringify(fig)).not.toContain('"0":'); // typed arrays would serialise as objects
  });

  it('draws a short clip sample by sample', () => {
    const x = Float32Array.from([0, 0.5, -0.25, 1]);
    const fig = waveformFigure(x, 2);
    expect(fig.data.length).toBe(1);
    expect(fig.data[0].x).toEqual([0, 0.5, 1, 1.5]);
    expect(fig.data[0].y).toEqual([0, 0.5, -0.25, 1]);
  });

  it('respects a smaller maxPoints', () => {
    const fig = waveformFigure(noise(50_000), 22_050, { maxPoints: 300 });
    for (const t of fig.data) expect((t.x as number[]).length).toBeLessThanOrEqual(300);
  });
});

describe('bar, heatmap, lines', () => {
  it('barFigure pairs labels and values and rejects a length mismatch', () => {
    const fig = barFigure(['a', 'b'], [0.25, 0.75], { textDecimals: 2 });
    expect(fig.data[0].x).toEqual(['a', 'b']);
    expect(fig.data[0].y).toEqual([0.25, 0.75]);
    expect(fig.data[0].text).toEqual(['0.25', '0.75']);
    expect(() => barFigure(['a'], [1, 2])).toThrow(RangeError);
  });

  it('spectrogramFigure puts frame t at t·hop/sr seconds, rows kept as rows', () => {
    const m = [Float32Array.from([1, 2, 3]), Float32Array.from([4, 5, 6])];
    const fig = spectrogramFigure(m, { sampleRate: 22_050, hopLength: 512 });
    expect(fig.data[0].z).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(fig.data[0].x).toEqual([0, 0.02322, 0.04644]);
  });

  it('confusionMatrixFigure labels both axes with the classes, true class first row at top', () => {
    const fig = confusionMatrixFigure([[3, 1], [0, 4]], ['dog_bark', 'siren']);
    const t = fig.data[0];
    expect(t.x).toEqual(['dog_bark', 'siren']);
    expect(t.y).toEqual(['dog_bark', 'siren']);
    expect(t.text).toEqual([['3', '1'], ['0', '4']]);
    expect((fig.layout.yaxis as { autorange: string }).autorange).toBe('reversed');
    expect(() => confusionMatrixFigure([[1]], ['a', 'b'])).toThrow(RangeError);
  });

  it('heatmapFigure without annotate writes no text', () => {
    expect(heatmapFigure([[1, 2]]).data[0].text).toBeUndefined();
  });

  it('linesFigure numbers epochs from 1 and dashes validation', () => {
    const fig = linesFigure([{ name: 'loss', y: [3, 2] }, { name: 'val_loss', y: [3.5, 2.5], dash: true }]);
    expect(fig.data[0].x).toEqual([1, 2]);
    expect(fig.data[1].line).toEqual({ dash: 'dash' });
  });
});

describe('subplots', () => {
  it('moves each panel to its own axes with disjoint domains and a title per panel', () => {
    const clips = ['jackhammer', 'drilling', 'dog_bark'].map((label, i) => ({ label, samples: noise(30_000, i + 2), sampleRate: 22_050 }));
    const fig = waveformGridFigure(clips, { columns: 2 });
    const axes = new Set(fig.data.map((t) => `${t.xaxis}/${t.yaxis}`));
    expect([...axes]).toEqual(['x/y', 'x2/y2', 'x3/y3']);
    const annotations = fig.layout.annotations as { text: string }[];
    expect(annotations.map((a) => a.text)).toEqual(['<b>jackhammer</b>', '<b>drilling</b>', '<b>dog_bark</b>']);
    const d1 = (fig.layout.xaxis as { domain: number[] }).domain;
    const d2 = (fig.layout.xaxis2 as { domain: number[] }).domain;
    expect(d1[1]).toBeLessThan(d2[0]);
    const y1 = (fig.layout.yaxis as { domain: number[] }).domain;
    const y3 = (fig.layout.yaxis3 as { domain: number[] }).domain;
    expect(y3[1]).toBeLessThan(y1[0]);
    expect((fig.layout.xaxis3 as { anchor: string }).anchor).toBe('y3');
  });

  it('trainingCurvesFigure: loss panel and accuracy panel, train and validation in each', () => {
    const fig = trainingCurvesFigure({ loss: [2, 1], acc: [0.3, 0.6], valLoss: [2.2, 1.4], valAcc: [0.25, 0.5] }, { baselineAccuracy: 0.2 });
    expect(fig.data.map((t) => `${t.name}@${t.xaxis}`)).toEqual(['loss@x', 'val_loss@x', 'acc@x2', 'val_acc@x2', 'baseline@x2']);
    expect(fig.data[4].y).toEqual([0.2, 0.2]);
    // Trained without validation data (empty val arrays): training curves only.
    const noVal = trainingCurvesFigure({ loss: [2, 1], acc: [0.3, 0.6], valLoss: [], valAcc: [] });
    expect(noVal.data.map((t) => `${t.name}@${t.xaxis}`)).toEqual(['loss@x', 'acc@x2']);
    const panels = subplots([]);
    expect(panels.data).toEqual([]);
  });
});

describe('feature matrices', () => {
  it('matrixRows reads a row-major matrix as rows; spectrogramFigure takes either form alike', () => {
    const m = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), nRows: 2, nCols: 3 };
    expect(matrixRows(m)).toEqual([[1, 2, 3], [4, 5, 6]]);
    const a = spectrogramFigure(m, { sampleRate: 22_050, hopLength: 512 });
    const b = spectrogramFigure(matrixRows(m), { sampleRate: 22_050, hopLength: 512 });
    expect(a).toEqual(b);
  });

  it('featureCurvesFigure: one panel per curve, unit in its title, frames at t·hop/sr seconds', () => {
    const fig = featureCurvesFigure(
      [{ name: 'rms', unit: 'amplitude', values: [0.1, 0.2] }, { name: 'zcr', values: [0.3, 0.4] }],
      { sampleRate: 1000, hopLength: 100, columns: 2 },
    );
    expect(fig.data.map((t) => t.xaxis)).toEqual(['x', 'x2']);
    expect(fig.data[1].x).toEqual([0, 0.1]);
    expect(fig.data[1].y).toEqual([0.3, 0.4]);
    expect((fig.layout.annotations as { text: string }[]).map((a) => a.text)).toEqual(['<b>rms (amplitude)</b>', '<b>zcr</b>']);
  });
});
