import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { nonNegativeInt, openFraction, positiveInt, positiveNumber, rate } from '../../lib/cli/options';

describe('numeric option parsers', () => {
  it('accept what they promise', () => {
    expect(positiveInt('--epochs')('5')).toBe(5);
    expect(nonNegativeInt('--seed')('0')).toBe(0);
    expect(positiveNumber('--learning-rate')('1e-3')).toBe(0.001);
    expect(openFraction('--val-split')('0.2')).toBe(0.2);
    expect(rate('--dropout')('0')).toBe(0);
  });

  it('refuse the rest with the option named', () => {
    const cases: Array<[(v: string) => number, string]> = [
      [positiveInt('--epochs'), '0'], [positiveInt('--epochs'), '2.5'], [positiveInt('--epochs'), 'five'], [positiveInt('--epochs'), ''],
      [nonNegativeInt('--seed'), '-1'], [positiveNumber('--learning-rate'), 'Infinity'], [positiveNumber('--learning-rate'), '0'],
      [openFraction('--val-split'), '1'], [openFraction('--val-split'), '0'], [rate('--dropout'), '1'],
    ];
    for (const [parse, value] of cases) {
      expect(() => parse(value)).toThrow(InvalidArgumentError);
    }
    expect(() => positiveInt('--epochs')('0')).toThrow("--epochs must be a positive integer, got '0'");
  });
});
