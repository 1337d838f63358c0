// Worker module for the pool tests: squares numbers (plus the batch context's `offset`); -1 kills its worker (a crash the pool must survive).
import { threadId } from 'node:worker_threads';
import { serveItems } from '../../lib/util/worker-pool';

serveItems<number, { square: number; threadId: number }, { offset?: number } | undefined>((x, context) => {
  if (x === -1) process.exit(9);
  return { result: { square: x * x + (context?.offset ?? 0), threadId } };
});
