import { describe, expect, it } from 'vitest';
import { LabelEncoder, LabelError, toCategorical } from '../../lib/model/labels';

describe('LabelEncoder', () => {
  it('sorts classes like scikit-learn (code-unit order) and maps labels to their index', () => {
    const enc = new LabelEncoder().fit(['siren', 'dog_bark', 'Siren', 'air_conditioner', 'dog_bark', '10', '9']);
    // numpy sorts str by code point: digits < upper case < lower case, and '10' < '9'.
    expect(enc.classes).toEqual(['10', '9', 'Siren', 'air_conditioner', 'dog_bark', 'siren']);
    expect(Array.from(enc.transform(['dog_bark', 'siren', '9']))).toEqual([4, 5, 1]);
    expect(enc.inverseTransform([4, 5, 1])).toEqual(['dog_bark', 'siren', '9']);
  });

  it('round-trips fitTransform → inverseTransform', () => {
    const labels = ['b', 'a', 'c', 'a', 'b'];
    const enc = new LabelEncoder();
    expect(enc.inverseTransform(enc.fitTransform(labels))).toEqual(labels);
  });

  it('names an unknown label and an out-of-range id', () => {
    const enc = new LabelEncoder().fit(['cat', 'dog']);
    expect(() => enc.transform(['dog', 'bird'])).toThrow(LabelError);
    expect(() => enc.transform(['dog', 'bird'])).toThrow(/'bird' \(item 1\) was not seen in fit \(known: cat, dog\)/);
    expect(() => enc.inverseTransform([2])).toThrow(/id 2 .* not a class index/);
    expect(() => new LabelEncoder().transform(['x'])).toThrow(/before fit/);
  });

  it('fromClasses keeps the given order (a saved model\'s output units)', () => {
    const enc = LabelEncoder.fromClasses(['z', 'a']);
    expect(Array.from(enc.transform(['a', 'z']))).toEqual([1, 0]);
    expect(() => LabelEncoder.fromClasses(['a', 'a'])).toThrow(/duplicates/);
  });
});

describe('toCategorical', () => {
  it('makes one-hot rows like Keras', () => {
    const rows = toCategorical([2, 0, 1], 4);
    expect(rows.map((r) => Array.from(r))).toEqual([
      [0, 0, 1, 0],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
    ]);
    expect(toCategorical([0, 3])[1].length).toBe(4);
    expect(() => toCategorical([0, 4], 4)).toThrow(/outside 0…3/);
  });
});
