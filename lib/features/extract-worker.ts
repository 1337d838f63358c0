// Worker-thread entry of extractFeatures: one clip per item — cache lookup (hashing included), else compute and store.
import { serveItems } from '../util/worker-pool';
import { CachedJobResult, JobContext, runCachedJob } from './extract-job';

serveItems<string, CachedJobResult, JobContext>(async (path, context) => {
  const result = await runCachedJob(path, context);
  return { result, transfer: result.ok ? [result.data.buffer as ArrayBuffer] : [] };
});
