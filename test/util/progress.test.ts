import { describe, expect, it } from 'vitest';
import { formatDuration, Progress } from '../../lib/util/progress';

/** A stream that records what is written, with a settable TTY flag and width. */
function sink(isTTY: boolean, columns = 100) {
  const chunks: string[] = [];
  return { chunks, isTTY, columns, write: (s: string) => chunks.push(s), text: () => chunks.join('') };
}

describe('formatDuration', () => {
  it('formats seconds, minutes and hours', () => {
    expect(formatDuration(4.4)).toBe('4s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Infinity)).toBe('?');
  });
});

describe('Progress', () => {
  it('draws a one-line bar with count, rate and ETA on a TTY, redrawn with \\r', () => {
    let now = 0;
    const out = sink(true);
    const p = new Progress({ total: 100, label: 'features', unit: 'clips', stream: out, now: () => now, redrawMs: 0 });
    now = 2000;
    p.tick(50);
    const line = out.chunks[out.chunks.length - 1];
    expect(line.startsWith('\r')).toBe(true);
    expect(line).not.toContain('\n');
    expect(line).toContain('50/100 (50%)');
    expect(line).toContain('25.0 clips/s');
    expect(line).toContain('ETA 2s');
    expect(line).toMatch(/\[#+\.+\]/);
    expect(line.length).toBeLessThan(100);
    now = 4000;
    p.tick(50);
    p.done('3 cached');
    expect(out.text().match(/100\/100 \(100%\)/g)).toHaveLength(1); // final bar drawn once
    expect(out.text()).toMatch(/features: 100\/100 clips in 4\.0s \(25\.0 clips\/s\), 3 cached\n$/);
  });

  it('throttles redraws on a TTY', () => {
    let now = 0;
    const out = sink(true);
    const p = new Progress({ total: 1000, stream: out, now: () => now, redrawMs: 100 });
    for (let k = 0; k < 500; k++) {
      now += 1; // 500 ticks over 500 ms → about 5 redraws, not 500
      p.tick();
    }
    expect(out.chunks.length).toBeGreaterThanOrEqual(4);
    expect(out.chunks.length).toBeLessThanOrEqual(6);
  });

  it('prints quiet lines (every 10 %) without \\r when not a TTY', () => {
    let now = 0;
    const out = sink(false);
    const p = new Progress({ total: 200, label: 'features', unit: 'clips', stream: out, now: () => now });
    for (let k = 0; k < 200; k++) {
      now += 10;
      p.tick();
    }
    p.done();
    const lines = out.text().trimEnd().split('\n');
    expect(out.text()).not.toContain('\r');
    // 9 intermediate lines (10 %, …, 90 %) and the summary.
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('features: 20/200 (10%), 100.0 clips/s, ETA 2s');
    expect(lines[9]).toBe('features: 200/200 clips in 2.0s (100.0 clips/s)');
  });

  it('estimates the ETA from the pace after the first item, leaving start-up out', () => {
    let now = 0;
    const out = sink(false);
    const p = new Progress({ total: 100, stream: out, now: () => now, mode: 'lines' });
    now = 5000; // 5 s of start-up before the first item
    p.tick();
    for (let k = 0; k < 9; k++) {
      now += 200; // then 5 items/s
      p.tick();
    }
    // Overall rate 10 items in 6.8 s ≈ 1.5/s, but the remaining 90 take 18 s at the current pace.
    expect(out.chunks[0]).toBe('progress: 10/100 (10%), 1.5 items/s, ETA 18s\n');
  });

  it('draws a sensible bar on a terminal that reports no width', () => {
    const out = sink(true, 0);
    const p = new Progress({ total: 10, stream: out, redrawMs: 0 });
    p.tick(5);
    expect(out.chunks[0]).toMatch(/\[#{10,}\.{10,}\]/);
  });

  it('prints a line when a slow job has been quiet for lineSeconds', () => {
    let now = 0;
    const out = sink(false);
    const p = new Progress({ total: 1000, stream: out, now: () => now, lineSeconds: 5 });
    now = 6000;
    p.tick(); // 0.1 % done, but 6 s passed
    expect(out.chunks).toHaveLength(1);
    expect(out.chunks[0]).toContain('1/1000');
  });

  it('prints nothing when off', () => {
    const out = sink(true);
    const p = new Progress({ total: 10, stream: out, mode: false });
    p.tick(10);
    p.done();
    expect(out.chunks).toHaveLength(0);
    expect(p.completed).toBe(10);
  });
});
