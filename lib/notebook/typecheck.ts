// Type-checks notebooks without Jupyter: every code cell, in order, as the tslab kernel would compile it.
//
// Why not tslab's own converter: it rebuilds a program and re-checks all of lib/ for every cell (about a
// second each, a minute for the ten notebooks). This builds one program for all cells of all notebooks,
// with the same compiler (tslab's TypeScript fork) and the same options (captured from tslab itself, after
// the project's strict flags and libs are merged in by tslab-compiler.ts), and resolves names across cells
// the way tslab does: tslab makes each cell a module whose syntax-tree parent is a file of the previous
// cells' declarations, so a name a cell does not declare is looked up in the earlier cells, the latest
// declaration first. Here each cell is a module whose parent is the previous cell itself: the same lookup,
// over the earlier cells' sources instead of their emitted declarations. Like tslab, an `await` at the
// top level of a cell is allowed, a variable may be declared again in a later cell, and errors in lib/
// files the cells import count too.
import { resolve, relative, join, basename } from 'node:path';
import type * as TS from 'typescript';
import { PROJECT_ROOT } from './kernel';
import { codeCells, readNotebook } from './ipynb';
import { installTslabCompilerOptions, kernelCompilerOptions } from './tslab-compiler';

/** One type error: in a notebook cell (cell id and 1-based position among the code cells) or in a project file. */
export interface NotebookDiagnostic {
  /** The notebook (as given), or for an error in a project file that file, relative to the root. */
  file: string;
  cellId?: string;
  cellIndex?: number;
  /** 1-based line and column within the cell (or the file). */
  line: number;
  column: number;
  /** TypeScript's error code (TS2305 …). */
  code: number;
  message: string;
}

/** `notebooks/06-train.ipynb, cell "model" (code cell 5), line 2:7: TS2305 Module './lib' has no exported member 'buildMlpp'.` */
export function formatNotebookDiagnostic(d: NotebookDiagnostic): string {
  const where = d.cellId !== undefined ? `${d.file}, cell "${d.cellId}" (code cell ${d.cellIndex}), line ${d.line}:${d.column}` : `${d.file}:${d.line}:${d.column}`;
  return `${where}: TS${d.code} ${d.message}`;
}

/** tslab makes every cell a module with this first line (so its names are its own, not global). */
const CELL_PREFIX = 'export {};\n';

/** The compiler tslab checks cells with (its TypeScript fork), through the hook tslab-compiler.ts installs. */
function tslabTypescript(): typeof TS {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require('@tslab/typescript-for-tslab') as typeof TS;
}

/**
 * The compiler options of the kernel: tslab builds them when it creates its converter (they depend on
 * the Node version and the working directory), and the hook in tslab-compiler.ts records them after
 * merging the project's. So create one converter (about 2 s), from the project root as the kernel is,
 * close it, and keep its options for the process.
 */
const optionsByRoot = new Map<string, TS.CompilerOptions>();

function kernelOptions(root: string): TS.CompilerOptions {
  const known = optionsByRoot.get(root);
  if (known) return known;
  installTslabCompilerOptions(root);
  const before = process.cwd();
  process.chdir(root);
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { createConverter } = require('tslab/dist/converter') as { createConverter: (o: { isJS: boolean; isBrowser: boolean }) => { close(): void } };
    createConverter({ isJS: false, isBrowser: false }).close();
  } finally {
    process.chdir(before);
  }
  const options = kernelCompilerOptions();
  if (!options) throw new Error('tslab created its converter without the compiler hook of lib/notebook/tslab-compiler.ts');
  optionsByRoot.set(root, options as TS.CompilerOptions);
  return options as TS.CompilerOptions;
}

/** tslab's rule (converter.js, isTopLevelAwaitDiagnostic): TS1308 on an `await` outside any function is allowed. */
function isTopLevelAwait(ts: typeof TS, file: TS.SourceFile, d: TS.Diagnostic): boolean {
  if (d.code !== 1308 || d.start === undefined || d.length === undefined) return false;
  const token = (ts as unknown as { findPrecedingToken(pos: number, f: TS.SourceFile): TS.Node | undefined }).findPrecedingToken(d.start + d.length, file);
  if (!token || token.kind !== ts.SyntaxKind.AwaitKeyword) return false;
  for (let node: TS.Node | undefined = token.parent; node && node !== file; node = node.parent) {
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isModuleDeclaration(node)) return false;
  }
  return true;
}

/** tslab's cell metadata (`/** @module name *\/`, `/** @browser *\/`): such cells are not plain cells. */
function cellMetadata(source: string): { module?: string; mode?: string } {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { getCodeMetadata } = require('tslab/dist/metadata') as { getCodeMetadata(src: string): { module?: string; mode?: string } };
  return getCodeMetadata(source);
}

interface CellFile {
  notebook: string;
  cellId: string;
  cellIndex: number;
  path: string;
  text: string;
}

/**
 * Type-checks the code cells of each notebook, joined in order as the kernel runs them, with the
 * kernel's compiler and options; returns every error (empty when all is well). Notebooks are
 * independent of each other, as each gets its own kernel. `root` is where the kernel starts (the
 * project root): `./lib` and relative paths in cells resolve from there.
 */
export function typecheckNotebooks(notebookFiles: readonly string[], options: { root?: string } = {}): NotebookDiagnostic[] {
  const root = resolve(options.root ?? PROJECT_ROOT);
  const ts = tslabTypescript();
  const compilerOptions = kernelOptions(root);
  const diagnostics: NotebookDiagnostic[] = [];

  // Each cell becomes a virtual file in the root (where tslab's own __tslab__.ts lives).
  const chains: CellFile[][] = [];
  notebookFiles.forEach((notebook, n) => {
    const chain: CellFile[] = [];
    for (const cell of codeCells(readNotebook(notebook))) {
      const meta = cellMetadata(cell.source);
      if (meta.module || meta.mode === 'browser') {
        diagnostics.push({ file: notebook, cellId: cell.id, cellIndex: cell.index, line: 1, column: 1, code: 0, message: 'tslab @module / @browser cells are not checked: keep shared code in lib/ instead' });
        continue;
      }
      const safe = basename(notebook).replace(/[^A-Za-z0-9]/g, '_');
      chain.push({ notebook, cellId: cell.id, cellIndex: cell.index, path: join(root, `__notebook_${n}_${safe}_cell${cell.index}__.ts`), text: CELL_PREFIX + cell.source });
    }
    chains.push(chain);
  });
  const virtual = new Map<string, CellFile>();
  for (const chain of chains) for (const c of chain) virtual.set(c.path, c);

  const host = ts.createCompilerHost(compilerOptions);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const cell = virtual.get(resolve(fileName));
    return cell ? ts.createSourceFile(fileName, cell.text, languageVersion, true) : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => virtual.has(resolve(fileName)) || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => virtual.get(resolve(fileName))?.text ?? readFile(fileName);
  host.getCurrentDirectory = () => root;

  const program = ts.createProgram([...virtual.keys()], compilerOptions, host);
  // The scope chain: each cell's parent is the previous cell, before the checker first resolves a name.
  const sourceOf = (c: CellFile) => program.getSourceFile(c.path) as TS.SourceFile;
  for (const chain of chains) {
    for (let k = 1; k < chain.length; k++) (sourceOf(chain[k]) as { parent?: TS.Node }).parent = sourceOf(chain[k - 1]);
  }

  const position = (file: TS.SourceFile, start: number, lineOffset: number) => {
    const at = file.getLineAndCharacterOfPosition(start);
    return { line: at.line + 1 - lineOffset, column: at.character + 1 };
  };
  const message = (d: TS.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, '\n');

  // No options or global diagnostics: tslab drops every diagnostic without a file (it would report
  // TS5101, noImplicitUseStrict deprecated, on every cell otherwise).
  for (const chain of chains) {
    for (const c of chain) {
      const file = sourceOf(c);
      for (const d of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
        if (isTopLevelAwait(ts, file, d)) continue;
        diagnostics.push({ file: c.notebook, cellId: c.cellId, cellIndex: c.cellIndex, ...position(file, d.start ?? 0, 1), code: d.code, message: message(d) });
      }
    }
  }
  // Errors in the project's own files the cells import fail a cell in the kernel too (tslab reports
  // those under the root, not those in node_modules, whose .d.ts it skips).
  for (const file of program.getSourceFiles()) {
    const rel = relative(root, file.fileName);
    if (virtual.has(resolve(file.fileName)) || rel.startsWith('..') || rel.split(/[\\/]/).includes('node_modules') || file.isDeclarationFile) continue;
    for (const d of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
      diagnostics.push({ file: rel, ...position(file, d.start ?? 0, 0), code: d.code, message: message(d) });
    }
  }
  return diagnostics;
}
