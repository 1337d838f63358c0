import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../lib/cli/main';
import { nonNegativeInt, openFraction, positiveInt, positiveNumber, rate, validationFraction } from '../../lib/cli/options';

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

  it('--val-split: 0 (train on everything) only where the command allows it', () => {
    expect(validationFraction('--val-split', true)('0')).toBe(0);
    expect(() => validationFraction('--val-split', true)('1')).toThrow("--val-split must be in [0, 1) (0 trains on every clip), got '1'");
    expect(() => validationFraction('--val-split')('0')).toThrow("--val-split must be in (0, 1), got '0'");
    // As commander parses the commands: train takes 0, evaluate (which must test on something) does not.
    const parse = (...args: string[]) => {
      const program = buildProgram().exitOverride();
      let parsed: Record<string, unknown> = {};
      for (const c of program.commands) c.exitOverride().configureOutput({ writeErr: () => undefined }).action((...a: unknown[]) => { parsed = a[a.length - 2] as Record<string, unknown>; });
      program.parse(['node', 'soundlab', ...args]);
      return parsed;
    };
    expect(parse('train', '--data', 'd', '--out', 'o', '--val-split', '0').valSplit).toBe(0);
    expect(parse('train', '--data', 'd', '--out', 'o').valSplit).toBe(0.2);
    expect(parse('evaluate', '--data', 'd').valSplit).toBe(0.2);
    expect(() => parse('evaluate', '--data', 'd', '--val-split', '0')).toThrow(/--val-split must be in \(0, 1\)/);
  });
});
