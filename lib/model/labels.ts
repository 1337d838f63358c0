// Class names ↔ integer ids ↔ one-hot rows, as scikit-learn's LabelEncoder and Keras's to_categorical.

/** Raised for a label the encoder has not seen, or an id out of range (names both). */
export class LabelError extends Error {
  constructor(reason: string) {
    super(`labels: ${reason}`);
    this.name = 'LabelError';
  }
}

/** Sort like numpy's `np.unique` on strings: by UTF-16 code unit, not by locale. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * scikit-learn's `LabelEncoder`: `fit` learns the sorted distinct labels (`classes`), `transform` maps
 * labels to their index in `classes`, `inverseTransform` maps indices back. Labels are strings; numbers
 * are compared as strings, as numpy does for an array of str.
 */
export class LabelEncoder {
  /** The distinct labels, sorted (scikit-learn's `classes_`). Empty before `fit`. */
  classes: string[] = [];
  private index = new Map<string, number>();

  /** A fitted encoder with exactly these classes (as saved in a model directory), in this order. */
  static fromClasses(classes: readonly string[]): LabelEncoder {
    const enc = new LabelEncoder();
    enc.setClasses([...classes]);
    return enc;
  }

  private setClasses(classes: string[]): void {
    this.classes = classes;
    this.index = new Map(classes.map((c, i) => [c, i]));
    if (this.index.size !== classes.length) throw new LabelError('classes contain duplicates');
  }

  /** Learn the classes: the sorted distinct values of `labels`. Returns this. */
  fit(labels: readonly string[]): this {
    this.setClasses([...new Set(labels.map(String))].sort(compareCodeUnits));
    return this;
  }

  /** Class index (0 … classes.length − 1) of each label; an unseen label is an error naming it. */
  transform(labels: readonly string[]): Int32Array {
    if (this.classes.length === 0) throw new LabelError('transform before fit');
    const out = new Int32Array(labels.length);
    labels.forEach((label, i) => {
      const id = this.index.get(String(label));
      if (id === undefined) {
        throw new LabelError(`label '${label}' (item ${i}) was not seen in fit (known: ${this.classes.join(', ')})`);
      }
      out[i] = id;
    });
    return out;
  }

  /** fit, then transform. */
  fitTransform(labels: readonly string[]): Int32Array {
    return this.fit(labels).transform(labels);
  }

  /** Class name of each index; an index outside the classes is an error. */
  inverseTransform(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (id, i) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.classes.length) {
        throw new LabelError(`id ${id} (item ${i}) is not a class index (0…${this.classes.length - 1})`);
      }
      return this.classes[id];
    });
  }
}

/**
 * Keras's `to_categorical`: one row per id with a 1 in column `id`.
 * @param ids class indices; @param classCount columns (default: max id + 1).
 * @returns one Float32Array of length classCount per id.
 */
export function toCategorical(ids: ArrayLike<number>, classCount?: number): Float32Array[] {
  let max = -1;
  for (let i = 0; i < ids.length; i++) max = Math.max(max, ids[i]);
  const width = classCount ?? max + 1;
  return Array.from(ids, (id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= width) throw new LabelError(`id ${id} (item ${i}) is outside 0…${width - 1}`);
    const row = new Float32Array(width);
    row[id] = 1;
    return row;
  });
}
