// Test helper: the DatasetError a call throws.
import { expect } from 'vitest';
import { DatasetError } from '../../lib/data/errors';

/** The DatasetError thrown by fn (fails the test when fn does not throw one). */
export function errorOf(fn: () => unknown): DatasetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    return err as DatasetError;
  }
  throw new Error('expected a DatasetError');
}
