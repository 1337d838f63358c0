// Parsers for the numeric command-line options every command shares; each error names the option.
import { InvalidArgumentError } from 'commander';

type Parser<T> = (value: string) => T;

function numberOption(name: string, ok: (n: number) => boolean, what: string): Parser<number> {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !ok(n)) throw new InvalidArgumentError(`${name} must be ${what}, got '${value}'`);
    return n;
  };
}

/** An integer ≥ 1 (epochs, batch size, fold number, …). */
export const positiveInt = (name: string) => numberOption(name, (n) => Number.isInteger(n) && n >= 1, 'a positive integer');
/** An integer ≥ 0 (seed, worker count where 0 means none). */
export const nonNegativeInt = (name: string) => numberOption(name, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer');
/** A finite number > 0 (learning rate). */
export const positiveNumber = (name: string) => numberOption(name, (n) => Number.isFinite(n) && n > 0, 'a positive number');
/** A fraction strictly between 0 and 1. */
export const openFraction = (name: string) => numberOption(name, (n) => n > 0 && n < 1, 'in (0, 1)');
/** The held-out fraction (--val-split): in (0, 1), or [0, 1) where 0 means "hold nothing out, train on everything". */
export const validationFraction = (name: string, zeroAllowed = false) =>
  zeroAllowed ? numberOption(name, (n) => n >= 0 && n < 1, 'in [0, 1) (0 trains on every clip)') : openFraction(name);
/** A rate in [0, 1) (dropout). */
export const rate = (name: string) => numberOption(name, (n) => n >= 0 && n < 1, 'in [0, 1)');
