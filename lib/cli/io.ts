// Where a command writes, injectable so tests can capture it.

/** Where a command writes: stdout lines (results) and stderr lines (progress, warnings). */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The process's own stdout and stderr. */
export const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };
