// Notebook 11 as committed: a plain .ipynb on the soundlab kernel like the others, no outputs, stable ids,
// the parameters cell first, and the export it exists for.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNEL_NAME, PROJECT_ROOT } from '../../lib/notebook';

interface Notebook {
  cells: { cell_type: string; id: string; source: string[]; outputs?: unknown[]; execution_count?: number | null }[];
  metadata: unknown;
  nbformat: number;
  nbformat_minor: number;
}

const read = (name: string) => JSON.parse(readFileSync(join(PROJECT_ROOT, 'notebooks', name), 'utf8')) as Notebook;

describe('notebooks/11-deploy.ipynb', () => {
  const nb = read('11-deploy.ipynb');

  it("has notebook 6's kernelspec and format, named cell ids (stable when cells move) and no outputs", () => {
    const six = read('06-train.ipynb');
    type Meta = { kernelspec: { name: string }; language_info: unknown; soundlab: { report: unknown } };
    const [mine, theirs] = [nb.metadata as Meta, six.metadata as Meta];
    expect([mine.kernelspec, mine.language_info]).toEqual([theirs.kernelspec, theirs.language_info]);
    expect(mine.kernelspec.name).toBe(KERNEL_NAME);
    // What its report must show at least (the notebooks test reads it): tables and a link, no figure or player.
    expect(mine.soundlab.report).toEqual({ figures: 0, audio: 0 });
    expect([nb.nbformat, nb.nbformat_minor]).toEqual([six.nbformat, six.nbformat_minor]);
    const ids = nb.cells.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9-]{2,63}$/);
    expect(ids[1]).toBe('imports-and-parameters');
    for (const c of nb.cells.filter((c) => c.cell_type === 'code')) {
      expect(c.outputs).toEqual([]);
      expect(c.execution_count).toBeNull();
    }
  });

  it('opens with a markdown cell, then imports and parameters from ./lib; exports with exportWebSite and links the page', () => {
    expect(nb.cells[0].cell_type).toBe('markdown');
    const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
    expect(code[0]).toMatch(/from '\.\/lib'/);
    expect(code[0]).toMatch(/const p = notebookParams\(\{ data: 'data\.sample'/);
    expect(code.join('\n')).toMatch(/exportWebSite\(modelDir, reportPath\(p\.site\)\)/);
    expect(code.join('\n')).toMatch(/href="\$\{p\.site\}\/index\.html"/);
  });
});
