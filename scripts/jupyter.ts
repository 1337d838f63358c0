// `npm run jupyter`: opens Jupyter on the notebooks with the project-local kernel on JUPYTER_PATH.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { installKernel, jupyterEnv, jupyterPath, PROJECT_ROOT } from '../lib/notebook/kernel';

installKernel(PROJECT_ROOT);
const env = jupyterEnv(PROJECT_ROOT);
const found = ['jupyter-lab', 'jupyter-notebook'].find((cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0);
if (!found) {
  console.error(
    'Neither JupyterLab nor Jupyter Notebook is installed. Install one, for example:\n' +
      '  sudo apt-get install -y jupyter-notebook python3-ipykernel      (Debian/Ubuntu)\n' +
      '  pip install jupyterlab                                          (elsewhere)\n' +
      `then run npm run jupyter again, or start it yourself with JUPYTER_PATH=${jupyterPath(PROJECT_ROOT)}\n` +
      'and pick the kernel "TypeScript (soundlab)".',
  );
  process.exit(1);
}
console.log(`Starting ${found} with JUPYTER_PATH=${env.JUPYTER_PATH}; choose the kernel "TypeScript (soundlab)".`);
const child = spawn(found, [...process.argv.slice(2)], { env, cwd: join(PROJECT_ROOT, 'notebooks'), stdio: 'inherit' });
child.on('close', (code) => process.exit(code ?? 0));
