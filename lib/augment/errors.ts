// Errors raised by the augmentation functions and the pipeline spec parser.

/** A bad augmentation argument or spec: names the function (or spec step) and the reason. */
export class AugmentError extends Error {
  constructor(where: string, reason: string) {
    super(`${where}: ${reason}`);
    this.name = 'AugmentError';
  }
}
