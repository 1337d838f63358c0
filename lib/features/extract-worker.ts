// Worker-thread entry of extractFeatures: computes one clip per item with the batch's parameters.
import { basename } from 'node:path';
import { workerData } from 'node:worker_threads';
import { serveItems } from '../util/worker-pool';
import { JobParams, JobResult, runJob } from './extract-job';

/** What extractFeatures passes as `workerData`. */
export interface ExtractWorkerData {
  params: JobParams;
  /** Fault injection for the crash-recovery test: the worker exits when it reaches this base name. */
  crashOn?: string;
}

const data = workerData as ExtractWorkerData;

serveItems<string, JobResult>(async (path) => {
  if (data.crashOn && basename(path) === data.crashOn) process.exit(70);
  const result = await runJob(path, data.params);
  return { result, transfer: result.ok ? [result.data.buffer as ArrayBuffer] : [] };
});
