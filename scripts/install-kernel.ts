// npm postinstall: registers the project-local tslab kernel; never fails the install.
import { installKernel, KERNEL_NAME } from '../lib/notebook/kernel';

try {
  const file = installKernel();
  console.log(`soundlab: Jupyter kernel "${KERNEL_NAME}" registered at ${file} (use it with JUPYTER_PATH, e.g. npm run jupyter)`);
} catch (err) {
  console.warn(`soundlab: could not register the Jupyter kernel: ${err instanceof Error ? err.message : String(err)}`);
}
