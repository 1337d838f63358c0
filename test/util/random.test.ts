// Seeded randomness: reproducible streams with the right distributions.
import { describe, expect, it } from 'vitest';
import { choice, deriveSeed, gaussianRandom, mulberry32, randomInt, shuffleInPlace, uniform } from '../../lib/util/random';

describe('mulberry32', () => {
  it('is reproducible per seed and differs between seeds', () => {
    const a = mulberry32(42), b = mulberry32(42), c = mulberry32(43);
    const xa = Array.from({ length: 5 }, a), xb = Array.from({ length: 5 }, b), xc = Array.from({ length: 5 }, c);
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('gives uniform numbers in [0, 1)', () => {
    const rng = mulberry32(7);
    const bins = new Array(10).fill(0);
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = rng();
      min = Math.min(min, x);
      max = Math.max(max, x);
      bins[Math.floor(x * 10)]++;
      sum += x;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    for (const count of bins) expect(Math.abs(count - n / 10)).toBeLessThan(500);
  });
});

describe('helpers', () => {
  it('gaussianRandom has the asked mean and standard deviation', () => {
    const rng = mulberry32(1);
    const n = 50_000;
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = gaussianRandom(rng, 3, 2);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    expect(Math.abs(mean - 3)).toBeLessThan(0.05);
    expect(Math.abs(Math.sqrt(s2 / n - mean * mean) - 2)).toBeLessThan(0.05);
  });

  it('shuffleInPlace is a seeded permutation that moves things', () => {
    const x = Array.from({ length: 100 }, (_, i) => i);
    const s1 = shuffleInPlace(x.slice(), mulberry32(5));
    const s2 = shuffleInPlace(x.slice(), mulberry32(5));
    expect(s1).toEqual(s2);
    expect(s1.slice().sort((p, q) => p - q)).toEqual(x);
    expect(s1.filter((v, i) => v === i).length).toBeLessThan(10);
  });

  it('randomInt, uniform and choice stay in range and reach both ends', () => {
    const rng = mulberry32(9);
    const seen = new Set<number>();
    let outside = 0;
    for (let i = 0; i < 1000; i++) {
      seen.add(randomInt(rng, 2, 5));
      const u = uniform(rng, -3, -1);
      if (!(u >= -3 && u < -1)) outside++;
    }
    expect(outside).toBe(0);
    expect([...seen].sort()).toEqual([2, 3, 4]);
    expect(['a', 'b']).toContain(choice(['a', 'b'], rng));
    expect(() => choice([], rng)).toThrow(RangeError);
  });

  it('deriveSeed separates labels and seeds', () => {
    expect(deriveSeed(0, 'a')).not.toBe(deriveSeed(0, 'b'));
    expect(deriveSeed(0, 'a')).not.toBe(deriveSeed(1, 'a'));
    expect(deriveSeed(3, 'clip-7')).toBe(deriveSeed(3, 'clip-7'));
  });
});
