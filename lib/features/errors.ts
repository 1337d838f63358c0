// Errors raised by the feature functions: the parameter or input at fault and why.

/** A feature was asked for with parameters or input it cannot work with (e.g. nFft not a power of 2). */
export class FeatureError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'FeatureError';
  }
}
