// The committed notebooks: what scripts/make-notebooks.ts generates, without outputs, on the soundlab kernel.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNEL_NAME, PROJECT_ROOT } from '../../lib/notebook';
import { buildNotebooks } from '../../scripts/make-notebooks';

describe('notebooks/01…10', () => {
  const built = buildNotebooks();

  it('are the six tutorial steps and the four next steps', () => {
    expect(built.map((b) => b.file)).toEqual([
      '01-load-audio.ipynb',
      '02-waveform.ipynb',
      '03-class-distribution.ipynb',
      '04-baseline.ipynb',
      '05-features.ipynb',
      '06-train.ipynb',
      '07-error-analysis.ipynb',
      '08-cnn.ipynb',
      '09-augmentation.ipynb',
      '10-experiments.ipynb',
    ]);
  });

  for (const { file, text } of built) {
    it(`${file} is committed as generated (run npx tsx scripts/make-notebooks.ts after editing it)`, () => {
      expect(readFileSync(join(PROJECT_ROOT, 'notebooks', file), 'utf8')).toBe(text);
    });

    it(`${file}: no outputs, soundlab kernel, a parameters cell reading params() from './lib'`, () => {
      const nb = JSON.parse(text) as { cells: { cell_type: string; source: string[]; outputs?: unknown[] }[]; metadata: { kernelspec: { name: string } } };
      expect(nb.metadata.kernelspec.name).toBe(KERNEL_NAME);
      const code = nb.cells.filter((c) => c.cell_type === 'code');
      for (const c of code) expect(c.outputs).toEqual([]);
      const first = code[0].source.join('');
      expect(first).toMatch(/from '\.\/lib'/);
      expect(first).toMatch(/const p = params\(\{ data: 'data\.sample'/);
      expect(nb.cells[0].cell_type).toBe('markdown');
    });
  }
});
