import { describe, expect, it } from 'vitest';
import { hannWindow } from '../../lib/features';

describe('hannWindow', () => {
  it('is the periodic (DFT-even) Hann window scipy gives librosa', () => {
    const w = hannWindow(8);
    // scipy.signal.get_window('hann', 8): 0, .1464, .5, .8536, 1, .8536, .5, .1464
    const expected = [0, 0.14644660940672624, 0.5, 0.8535533905932737, 1, 0.8535533905932737, 0.5, 0.14644660940672624];
    expected.forEach((v, i) => expect(w[i]).toBeCloseTo(v, 12));
  });

  it('sums to N/2 and peaks at 1 in the middle (periodic, not symmetric)', () => {
    const w = hannWindow(2048);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1024, 9);
    expect(w[1024]).toBe(1);
    expect(w[1]).toBeCloseTo(w[2047], 12);
  });
});
