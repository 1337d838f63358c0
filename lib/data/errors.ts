// The one error class of dataset reading: it names the file, the line when there is one, and the reason.

/**
 * Thrown for a dataset that cannot be read at all: an unreadable or malformed CSV (wrong header, ragged
 * row, unterminated quote), an unrecognised folder layout. Problems with single clips (missing file,
 * missing label) are not thrown: `loadDataset` returns them as `problems`.
 * `message` is `"<file>:<line>: <reason>"` (or `"<file>: <reason>"` without a line).
 */
export class DatasetError extends Error {
  readonly file: string;
  /** 1-based line in `file`, when the problem has one. */
  readonly line: number | undefined;
  readonly reason: string;

  constructor(file: string, reason: string, line?: number) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${reason}`);
    this.name = 'DatasetError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
