// Mixing several channels down to one, as librosa.to_mono does (the mean of the channels).

/**
 * Mean of the channels, sample by sample: `channels` is one Float32Array per channel, all the same
 * length; returns one Float32Array of that length (a copy when there is a single channel).
 */
export function toMono(channels: Float32Array[]): Float32Array {
  if (channels.length === 0) throw new RangeError('toMono: no channels');
  const length = channels[0].length;
  for (const ch of channels) {
    if (ch.length !== length) throw new RangeError(`toMono: channels differ in length (${length} vs ${ch.length})`);
  }
  if (channels.length === 1) return channels[0].slice();
  const out = new Float32Array(length);
  if (channels.length === 2) {
    // The common case, kept as one pass; (a + b) / 2 rounds to float32 exactly as numpy's float32 mean does.
    const [a, b] = channels;
    for (let i = 0; i < length; i++) out[i] = (a[i] + b[i]) * 0.5;
    return out;
  }
  // numpy sums the rows in float32, one after another, then divides in float32: round the same way.
  out.set(channels[0]);
  for (let c = 1; c < channels.length; c++) {
    const ch = channels[c];
    for (let i = 0; i < length; i++) out[i] += ch[i];
  }
  const count = channels.length;
  for (let i = 0; i < length; i++) out[i] /= count;
  return out;
}
