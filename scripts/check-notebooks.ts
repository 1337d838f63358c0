// Checks the notebooks as committed, without Jupyter: the file rules (no outputs, stable cell ids, the
// project's kernel, imports and parameters first) and a type-check of every code cell in order, with the
// kernel's compiler. `npx tsx scripts/check-notebooks.ts [--json] [--clear] [notebook.ipynb …]` (default:
// notebooks/*.ipynb) exits 1 with one line per problem; `--json` prints { problems, diagnostics } instead
// (for the tests); `--clear` first removes outputs, execution counts and timings from the files, in
// place, as they must be committed. `npm run typecheck` runs it after tsc.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listNotebooks, PROJECT_ROOT } from '../lib/notebook';
import { clearOutputs, notebookProblems, notebookText, readNotebook } from '../lib/notebook/ipynb';
import { formatNotebookDiagnostic, typecheckNotebooks } from '../lib/notebook/typecheck';

const args = process.argv.slice(2);
const json = args.includes('--json');
const given = args.filter((a) => a !== '--json' && a !== '--clear');
const files = given.length > 0 ? given : listNotebooks(join(PROJECT_ROOT, 'notebooks'));
if (args.includes('--clear')) for (const f of files) writeFileSync(f, notebookText(clearOutputs(readNotebook(f))));
const problems = files.flatMap((f) => notebookProblems(readNotebook(f), f));
const diagnostics = typecheckNotebooks(files);
if (json) {
  console.log(JSON.stringify({ problems, diagnostics }));
} else {
  for (const line of [...problems, ...diagnostics.map(formatNotebookDiagnostic)]) console.error(line);
  const count = problems.length + diagnostics.length;
  console.log(`${files.length} notebook(s) checked: ${count ? `${count} problem(s)` : 'no problems'}`);
}
process.exit(problems.length + diagnostics.length ? 1 : 0);
