// A small worker_threads pool for CPU-bound batches: chunked dispatch, TypeScript workers, crash recovery.
//
// Own code rather than piscina / workerpool: those run functions on plain JS worker files; we need
// TypeScript worker modules loaded through tsx (so the same code runs under tsx, vitest and the tslab
// kernel), per-item results streamed back for progress, and a batch that survives a worker dying —
// items in flight are retried one at a time on a fresh worker and, if one keeps killing its worker,
// reported as failed; if workers cannot start at all the batch finishes inline.
//
// Protocol (main → worker): { type: 'chunk', id, items }        (worker → main): { type: 'ready' },
// { type: 'result', id, pos, result } per item, then { type: 'done', id } per chunk.
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

/** What a worker module does with one item (synchronously or not). */
export type ItemHandler<I, R> = (item: I) => ItemOutput<R> | Promise<ItemOutput<R>>;

/** One item's answer from a worker: the result and the buffers to transfer (not copy) back. */
export interface ItemOutput<R> {
  result: R;
  transfer?: ArrayBuffer[];
}

export interface PoolOptions<I, R> {
  /** The work, in order; results are reported with each item's index in this array. */
  items: I[];
  /** Absolute path of the worker module (.ts or .js) that calls `serveItems(handler)`. */
  workerModule: string;
  /** Passed to every worker as `workerData` (structured-cloned). */
  workerData?: unknown;
  /** Number of threads; 0 runs every item inline on the calling thread. */
  workers: number;
  /** Items per dispatched chunk. Default: about 8 chunks per worker, between 1 and 32 items. */
  chunkSize?: number;
  /** Computes one item on this thread: used for `workers: 0` and when no worker can start; a throw is reported via onCrash. */
  inline: (item: I) => R | Promise<R>;
  /** Called once per item, in completion order (not input order), with the item's index. */
  onResult: (index: number, result: R) => void;
  /** Called for an item that crashed its worker twice (or threw inline): the item gets no result, only this. */
  onCrash: (index: number, reason: string) => void;
}

/** What happened while running, for callers that report it. */
export interface PoolReport {
  /** Threads started, including replacements for crashed ones. */
  workersStarted: number;
  /** Worker deaths while items were in flight. */
  crashes: number;
  /** Items computed on the calling thread because workers were unavailable (or `workers: 0`). */
  inlineItems: number;
}

interface Chunk {
  id: number;
  indices: number[];
  /** Positions in `indices` whose result has arrived. */
  received: Set<number>;
  /** 0 on first dispatch; 1 when retried alone after a crash. */
  attempt: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  chunk: Chunk | null;
  stopping: boolean;
}

/** The bootstrap every worker runs: register tsx's CommonJS hook, then load the worker module. */
function bootstrapSource(workerModule: string): string {
  // Resolved here, from the project, so the worker finds tsx whatever its working directory is.
  const tsx = require.resolve('tsx/cjs');
  return `require(${JSON.stringify(tsx)}); require(${JSON.stringify(workerModule)});`;
}

/**
 * Runs `items` through `workers` threads of `workerModule` and resolves when every item has either a
 * result (`onResult`) or a crash report (`onCrash`). Never rejects because of a worker: failures are
 * retried, then reported per item, or the remaining work runs inline.
 */
export function runPool<I, R>(opts: PoolOptions<I, R>): Promise<PoolReport> {
  const report: PoolReport = { workersStarted: 0, crashes: 0, inlineItems: 0 };
  const n = opts.items.length;
  const workerCount = Math.max(0, Math.min(Math.floor(opts.workers), n));
  const runInline = async (indices: number[], each?: () => void) => {
    for (const i of indices) {
      let result: R;
      try {
        result = await opts.inline(opts.items[i]);
      } catch (err) {
        opts.onCrash(i, err instanceof Error ? err.message : String(err));
        each?.();
        continue;
      }
      opts.onResult(i, result);
      report.inlineItems++;
      each?.();
    }
  };
  if (workerCount === 0) return runInline(opts.items.map((_, i) => i)).then(() => report);

  const chunkSize = opts.chunkSize ?? Math.max(1, Math.min(32, Math.ceil(n / (workerCount * 8))));
  const queue: Chunk[] = [];
  let nextChunkId = 0;
  for (let start = 0; start < n; start += chunkSize) {
    const indices: number[] = [];
    for (let i = start; i < Math.min(n, start + chunkSize); i++) indices.push(i);
    queue.push({ id: nextChunkId++, indices, received: new Set(), attempt: 0 });
  }
  let remaining = n;
  // Replacements for crashed workers are capped so a systematically crashing setup cannot spin forever.
  const maxStarts = workerCount + 4;
  let startupBroken = false;
  const slots = new Set<Slot>();

  return new Promise<PoolReport>((resolvePool) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      for (const slot of slots) {
        slot.stopping = true;
        void slot.worker.terminate();
      }
      resolvePool(report);
    };

    const itemDone = () => {
      remaining--;
      if (remaining === 0) finish();
    };

    const dispatch = (slot: Slot) => {
      const chunk = queue.shift();
      if (!chunk) {
        slot.stopping = true;
        slots.delete(slot);
        void slot.worker.terminate();
        return;
      }
      slot.chunk = chunk;
      slot.worker.postMessage({ type: 'chunk', id: chunk.id, items: chunk.indices.map((i) => opts.items[i]) });
    };

    // When no worker is alive and none can be started, whatever is left runs here.
    let draining = false;
    const drainInline = () => {
      if (slots.size > 0 || finished || draining) return;
      draining = true;
      const left = queue.splice(0).flatMap((chunk) => chunk.indices.filter((_, pos) => !chunk.received.has(pos)));
      void runInline(left, itemDone);
    };

    const onDeath = (slot: Slot, why: string) => {
      if (slot.stopping || !slots.has(slot)) return;
      slots.delete(slot);
      const chunk = slot.chunk;
      if (!slot.ready) startupBroken = true;
      if (chunk) {
        const left = chunk.indices.filter((_, pos) => !chunk.received.has(pos));
        if (slot.ready) report.crashes++;
        if (!slot.ready) {
          // Never got going: not the items' fault; give them back unchanged.
          queue.unshift({ ...chunk, indices: left, received: new Set() });
        } else if (chunk.attempt === 0 || left.length > 1) {
          // Which item killed it is unknown: retry each survivor alone so only the culprit can fail.
          for (let k = left.length - 1; k >= 0; k--) {
            queue.unshift({ id: nextChunkId++, indices: [left[k]], received: new Set(), attempt: 1 });
          }
        } else {
          opts.onCrash(left[0], `worker crashed twice on this file (${why})`);
          itemDone();
        }
      }
      if (finished) return;
      if (!startupBroken && report.workersStarted < maxStarts && queue.length > 0) spawn();
      else drainInline();
    };

    const spawn = () => {
      let worker: Worker;
      try {
        worker = new Worker(bootstrapSource(opts.workerModule), { eval: true, workerData: opts.workerData });
      } catch {
        startupBroken = true;
        drainInline();
        return;
      }
      report.workersStarted++;
      const slot: Slot = { worker, ready: false, chunk: null, stopping: false };
      slots.add(slot);
      worker.on('message', (msg: { type: string; id?: number; pos?: number; result?: R }) => {
        if (msg.type === 'ready') {
          slot.ready = true;
        } else if (msg.type === 'result' && slot.chunk && msg.id === slot.chunk.id && msg.pos !== undefined) {
          slot.chunk.received.add(msg.pos);
          opts.onResult(slot.chunk.indices[msg.pos], msg.result as R);
          itemDone();
        } else if (msg.type === 'done' && slot.chunk && msg.id === slot.chunk.id) {
          slot.chunk = null;
          if (!finished) dispatch(slot);
        }
      });
      let lastError = '';
      worker.on('error', (err) => {
        lastError = err instanceof Error ? err.message : String(err);
      });
      worker.on('exit', (code) => onDeath(slot, lastError || `exit code ${code}`));
      dispatch(slot);
    };

    for (let k = 0; k < workerCount; k++) spawn();
  });
}

/**
 * The worker side: call once at the top level of a worker module. Announces readiness, then answers
 * each chunk with one message per item (so the main thread can show progress) and a final 'done'.
 * The handler should not throw — turn per-item failures into results; a throw crashes the worker,
 * which the pool treats as a crash (retry, then report).
 */
export function serveItems<I, R>(handler: ItemHandler<I, R>): void {
  if (isMainThread || !parentPort) throw new Error('serveItems() must run in a worker thread');
  const port = parentPort;
  // Chunks are handled strictly one after another, even when the handler is asynchronous.
  let previous: Promise<void> = Promise.resolve();
  port.on('message', (msg: { type: string; id: number; items: I[] }) => {
    if (msg.type !== 'chunk') return;
    previous = previous.then(async () => {
      for (let pos = 0; pos < msg.items.length; pos++) {
        const { result, transfer } = await handler(msg.items[pos]);
        port.postMessage({ type: 'result', id: msg.id, pos, result }, transfer ?? []);
      }
      port.postMessage({ type: 'done', id: msg.id });
    });
  });
  port.postMessage({ type: 'ready' });
}
