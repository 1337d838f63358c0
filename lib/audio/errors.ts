// The one error class of audio loading: it names the file and says, in words, what is wrong with it.

/**
 * Thrown when a file cannot be read or decoded as audio.
 * `message` is `"<path>: <reason>"`; `path` and `reason` are also kept apart for programs.
 */
export class AudioDecodeError extends Error {
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'AudioDecodeError';
    this.path = path;
    this.reason = reason;
  }
}
