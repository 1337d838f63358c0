// The kernel's compiler settings: tsconfig's strict flags and libs on top of tslab's, no directory watches,
// and lib/ type-checks under tslab's own TypeScript (5.0) with them, as every notebook cell will.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/notebook';
import { mergeCompilerOptions, projectCompilerOverrides, quietDirectoryWatches } from '../../lib/notebook/tslab-compiler';

describe('projectCompilerOverrides', () => {
  it('turns strict into its flags (without alwaysStrict, which tslab’s noImplicitUseStrict forbids) and libs into lib files', () => {
    const o = projectCompilerOverrides({ strict: true, lib: ['ES2020', 'DOM'] });
    expect(o.flags.strictNullChecks).toBe(true);
    expect(o.flags.noImplicitAny).toBe(true);
    expect(o.flags).not.toHaveProperty('alwaysStrict');
    expect(o.libFiles).toEqual(['lib.es2020.d.ts', 'lib.dom.d.ts']);
    expect(projectCompilerOverrides({}).flags).toEqual({});
  });

  it('keeps tslab’s options and libs, adding the project’s', () => {
    const merged = mergeCompilerOptions({ lib: ['lib.es2022.d.ts'], target: 9, noImplicitUseStrict: true }, projectCompilerOverrides({ strict: true, lib: ['DOM'] }));
    expect(merged.lib).toEqual(['lib.es2022.d.ts', 'lib.dom.d.ts']);
    expect(merged.target).toBe(9);
    expect(merged.noImplicitUseStrict).toBe(true);
    expect(merged.strictNullChecks).toBe(true);
  });

  it('replaces directory watching with a no-op watcher', () => {
    const system: { watchDirectory?: (...a: unknown[]) => { close(): void } } = { watchDirectory: () => { throw new Error('real watcher'); } };
    quietDirectoryWatches(system);
    expect(() => system.watchDirectory?.('/x', () => undefined).close()).not.toThrow();
  });
});

describe('lib/ under the notebook kernel’s compiler', () => {
  it('type-checks lib/index.ts with tslab’s TypeScript and options plus the project’s', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const ts = require('@tslab/typescript-for-tslab') as typeof import('typescript');
    const tsconfig = JSON.parse(readFileSync(join(PROJECT_ROOT, 'tsconfig.json'), 'utf8')).compilerOptions;
    const tslabOptions = {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.NodeJs,
      esModuleInterop: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      declaration: true,
      experimentalDecorators: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      rootDir: PROJECT_ROOT,
      outDir: join(PROJECT_ROOT, 'outDir'),
      noEmit: true,
    };
    const options = mergeCompilerOptions(tslabOptions as never, projectCompilerOverrides(tsconfig)) as import('typescript').CompilerOptions;
    const program = ts.createProgram([join(PROJECT_ROOT, 'lib', 'index.ts')], options);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName.replace(PROJECT_ROOT + '/', '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(diagnostics).toEqual([]);
  }, 120_000);
});
