// Which plotly bundle a page embeds: the published cartesian one for soundlab's figures, the full one only for parcoords.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { barFigure, CARTESIAN_TRACE_TYPES, confusionMatrixFigure, NotebookDisplay, plotlyBundle, plotlyBundleKind, plotlyBundlePath, plotlyBundleScript, waveformFigure, type Figure } from '../../lib/plot';

const parcoords: Figure = { data: [{ type: 'parcoords', dimensions: [{ label: 'a', values: [1, 2] }] } as never], layout: {} };
const CARTESIAN_BANNER = 'plotly.js (cartesian - minified) v';
const FULL_BANNER = 'plotly.js v';

/** The plotly code an output carries, unpacked as the page's script does it (gzip, base64), or '' if none. */
function embeddedBundle(html: string): string {
  const packed = html.match(/var packed="([A-Za-z0-9+/=]+)"/)?.[1];
  return packed ? gunzipSync(Buffer.from(packed, 'base64')).toString('utf8') : '';
}

describe('plotlyBundleKind', () => {
  it('picks the cartesian bundle for scatter, bar and heatmap figures, the full one as soon as one trace needs it', () => {
    const wave = waveformFigure(Float32Array.from([0, 1, 0, -1]), 4);
    const bars = barFigure(['a', 'b'], [1, 2]);
    const heat = confusionMatrixFigure([[1, 0], [0, 1]], ['a', 'b']);
    expect(plotlyBundleKind([wave, bars, heat])).toBe('cartesian');
    expect(plotlyBundleKind([wave, parcoords])).toBe('full');
    expect(plotlyBundleKind([{ data: [{ x: [1], y: [2] } as never], layout: {} }])).toBe('cartesian'); // no type = scatter
  });

  it('lists only trace types the installed cartesian bundle registers', () => {
    const code = readFileSync(plotlyBundlePath('cartesian'), 'utf8');
    for (const type of CARTESIAN_TRACE_TYPES) expect(code, type).toContain(`moduleType:"trace",name:"${type}"`);
    expect(code).not.toContain('moduleType:"trace",name:"parcoords"');
  });
});

describe('plotlyBundle', () => {
  it('is the cartesian bundle exactly as published (no minification at run time)', () => {
    const published = readFileSync(require.resolve('plotly.js-cartesian-dist-min/plotly-cartesian.min.js'), 'utf8');
    expect(plotlyBundle('cartesian')).toBe(published);
    expect(plotlyBundle('cartesian')).toContain(CARTESIAN_BANNER);
  });

  it('is embedded packed: the script unpacks to the published file byte for byte, in under 0.7 MB', () => {
    const script = plotlyBundleScript('cartesian');
    expect(embeddedBundle(script)).toBe(plotlyBundle('cartesian'));
    expect(Buffer.byteLength(script)).toBeLessThan(0.7e6);
    expect(script.match(/<\/script/gi)).toHaveLength(1); // only its own end
  });
});

describe('NotebookDisplay bundles', () => {
  it('embeds the cartesian bundle with the first figure, then the full one only when a parcoords figure comes', () => {
    const outputs: string[] = [];
    const display = new NotebookDisplay((html) => outputs.push(html));
    const bars = barFigure(['a', 'b'], [1, 2]);
    display.figure(bars);
    display.figure(bars);
    display.figure(parcoords);
    display.figure(parcoords);
    display.figure(bars);
    const banners = outputs.map(embeddedBundle).map((code) => (code.includes(CARTESIAN_BANNER) ? 'cartesian' : code.includes(FULL_BANNER) ? 'full' : '-'));
    expect(banners).toEqual(['cartesian', '-', 'full', '-', '-']);
  });

  it('embeds the full bundle once when the first figure already needs it', () => {
    const outputs: string[] = [];
    const display = new NotebookDisplay((html) => outputs.push(html));
    display.figure(parcoords);
    display.figure(barFigure(['a'], [1]));
    expect(outputs.map((o) => o.includes('id="soundlab-plotly-bundle"'))).toEqual([true, false]);
    expect(embeddedBundle(outputs[0])).toContain(FULL_BANNER);
    expect(embeddedBundle(outputs[0])).not.toContain(CARTESIAN_BANNER);
  });
});
