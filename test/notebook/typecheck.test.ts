// The notebooks type-check as the kernel compiles them, in seconds and without Jupyter.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listNotebooks, PROJECT_ROOT } from '../../lib/notebook';
import { formatNotebookDiagnostic, type NotebookDiagnostic } from '../../lib/notebook/typecheck';

const tmp = mkdtempSync(join(tmpdir(), 'soundlab-typecheck-'));

/** A notebook file for the soundlab kernel with these code cells (ids c1, c2, …). */
function writeNotebook(name: string, cells: string[]): string {
  const path = join(tmp, name);
  writeFileSync(
    path,
    JSON.stringify({
      cells: cells.map((source, i) => ({ cell_type: 'code', execution_count: null, id: `c${i + 1}`, metadata: {}, outputs: [], source })),
      metadata: { kernelspec: { name: 'soundlab-ts', display_name: 'TypeScript (soundlab)', language: 'typescript' } },
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  return path;
}

/** A copy of a committed notebook with one edit to its text. */
function editedCopy(notebook: string, from: string, to: string): string {
  const text = readFileSync(join(PROJECT_ROOT, 'notebooks', notebook), 'utf8');
  expect(text).toContain(from);
  const path = join(tmp, notebook);
  writeFileSync(path, text.replace(from, to));
  return path;
}

/** What `scripts/check-notebooks.ts --json` reports for these notebooks (one program, in a child process: the check is synchronous and would block vitest's worker). */
function checkNotebooks(files: string[]): Promise<{ problems: string[]; diagnostics: NotebookDiagnostic[] }> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, ['--require', 'tsx/cjs', join(PROJECT_ROOT, 'scripts', 'check-notebooks.ts'), '--json', ...files], { cwd: PROJECT_ROOT, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      try {
        resolvePromise(JSON.parse(stdout));
      } catch {
        reject(new Error(`check-notebooks failed: ${err?.message ?? ''}\n${stderr}`));
      }
    });
  });
}

/**
 * The error codes tslab's own converter gives each cell, fed one after the other as its executor does
 * (the next cell sees the previous one's declarations when it compiled), with the kernel's preload.
 * In a child process, like the check, since it is synchronous too (about a second per cell).
 */
function tslabConverterCodes(cells: string[]): Promise<number[][]> {
  const program = `
    require('./lib/notebook/tslab-compiler.ts');
    const { createConverter } = require('tslab/dist/converter');
    const converter = createConverter({ isJS: false, isBrowser: false });
    let prev = '';
    const codes = [];
    for (const src of ${JSON.stringify(cells)}) {
      const out = converter.convert(prev, src);
      codes.push(out.diagnostics.map((d) => d.code));
      if (out.diagnostics.length === 0) prev = out.declOutput || '';
    }
    converter.close();
    console.log(JSON.stringify(codes));
    process.exit(0);`;
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, ['--require', 'tsx/cjs', '-e', program], { cwd: PROJECT_ROOT }, (err, stdout, stderr) => {
      try {
        resolvePromise(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
      } catch {
        reject(new Error(`tslab converter failed: ${err?.message ?? ''}\n${stderr}`));
      }
    });
  });
}

const SEMANTICS = [
  'const x = 1;\ninterface P { a: number }',
  "const x = 'a';\nconst y: string = x;\ninterface P { b: string }",
  'const n: number = await Promise.resolve(2);\nlet z = x.length + n;\nconst q: P = { b: y };',
  'z = 3;',
  'const w: number = x;',
];

describe('the notebook type-check (scripts/check-notebooks.ts, as npm run typecheck runs it)', () => {
  const committedFiles = listNotebooks(join(PROJECT_ROOT, 'notebooks'));
  let renamedImport: string;
  let wrongParam: string;
  let semantics: string;
  let found: NotebookDiagnostic[];
  let problems: string[];
  let tslabCodes: number[][];
  const of = (file: string) => found.filter((d) => d.file === file);

  beforeAll(async () => {
    renamedImport = editedCopy('06-train.ipynb', 'import { baselineAccuracy, buildMlp,', 'import { baselineAccuracy, buildMlpNet,');
    wrongParam = editedCopy('04-baseline.ipynb', 'testSize: p.validationFraction', 'testSize: p.validationFractio');
    semantics = writeNotebook('01-semantics.ipynb', [...SEMANTICS, 'function later() {\n  await Promise.resolve(1);\n}']);
    const [out, codes] = await Promise.all([checkNotebooks([...committedFiles, renamedImport, wrongParam, semantics]), tslabConverterCodes(SEMANTICS)]);
    tslabCodes = codes;
    found = out.diagnostics;
    problems = out.problems;
  }, 300_000);

  it('finds no error in the committed notebooks', () => {
    for (const file of committedFiles) expect(of(file).map(formatNotebookDiagnostic)).toEqual([]);
    // Nothing outside the notebooks either (lib/ as the kernel's compiler sees it).
    expect(found.filter((d) => d.cellId === undefined).map(formatNotebookDiagnostic)).toEqual([]);
    expect(problems.filter((p) => committedFiles.some((f) => p.startsWith(f.replace(/^.*\//, ''))))).toEqual([]);
  });

  it('fails a renamed import in the first cell, and the later use of it, naming the cells', () => {
    const errors = of(renamedImport);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ cellId: 'imports-and-parameters', cellIndex: 1, line: 2, code: 2724 });
    expect(errors[0].message).toMatch(/has no exported member named 'buildMlpNet'/);
    expect(formatNotebookDiagnostic(errors[0])).toMatch(/06-train\.ipynb, cell "imports-and-parameters" \(code cell 1\), line 2:\d+: TS2724/);
    expect(errors.some((d) => d.cellId === 'model' && /Cannot find name 'buildMlp'/.test(d.message))).toBe(true);
  });

  it('fails a wrong parameter name in a later cell, at its line', () => {
    expect(of(wrongParam).map((d) => ({ cellId: d.cellId, line: d.line, code: d.code }))).toEqual([{ cellId: 'split', line: 1, code: 2551 }]);
  });

  it('follows tslab: a later cell may redeclare a name, await at the top level, and assign an earlier let', () => {
    // Cell 5 sees cell 2's x (a string); an await inside a plain function is still an error.
    expect(of(semantics).map((d) => ({ cellId: d.cellId, line: d.line, code: d.code }))).toEqual([
      { cellId: 'c5', line: 1, code: 2322 },
      { cellId: 'c6', line: 2, code: 1308 },
    ]);
  });

  it('agrees with tslab’s own converter, cell by cell, on those cells', () => {
    expect(SEMANTICS.map((_, i) => of(semantics).filter((d) => d.cellId === `c${i + 1}`).map((d) => d.code))).toEqual(tslabCodes);
    expect(tslabCodes[4]).toEqual([2322]);
  });
});
