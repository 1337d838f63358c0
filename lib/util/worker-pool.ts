// A small worker_threads pool for CPU-bound batches: chunked dispatch, TypeScript workers, crash recovery.
//
// Own code rather than piscina / workerpool: those run functions on plain JS worker files; we need
// TypeScript worker modules loaded through tsx (so the same code runs under tsx, vitest and the tslab
// kernel), per-item results streamed back for progress, and a batch that survives a worker dying —
// items in flight are retried one at a time on a fresh worker and, if one keeps killing its worker,
// reported as failed; if workers cannot start at all the batch finishes inline. Threads outlive a
// batch (WorkerPool), so the parameters travel with each chunk as the batch's `context`.
//
// Protocol (main → worker): { type: 'chunk', id, items, context }   (worker → main): { type: 'ready' },
// { type: 'result', id, pos, result } per item, then { type: 'done', id } per chunk.
import { availableParallelism, cpus } from 'node:os';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

/** What a worker module does with one item (synchronously or not), given its batch's context. */
export type ItemHandler<I, R, C = unknown> = (item: I, context: C) => ItemOutput<R> | Promise<ItemOutput<R>>;

/** One item's answer from a worker: the result and the buffers to transfer (not copy) back. */
export interface ItemOutput<R> {
  result: R;
  transfer?: ArrayBuffer[];
}

/** One batch for a WorkerPool: the items, how many threads may work on them, and where results go. */
export interface RunOptions<I, R> {
  /** The work, in order; results are reported with each item's index in this array. */
  items: I[];
  /** Sent with every chunk and handed to the worker's handler with each item (structured-cloned): the batch's parameters. */
  context?: unknown;
  /** Threads for this batch (at most; never more than items); 0 runs every item inline on the calling thread. */
  workers: number;
  /** Items per dispatched chunk. Default: shrinking with what is left (a quarter of a worker's share, 1 to 32 items). */
  chunkSize?: number;
  /** Computes one item on this thread: used for `workers: 0` and when no worker can start; a throw is reported via onCrash. */
  inline: (item: I) => R | Promise<R>;
  /** Called once per item, in completion order (not input order), with the item's index. */
  onResult: (index: number, result: R) => void;
  /** Called for an item that crashed its worker twice (or threw inline): the item gets no result, only this. */
  onCrash: (index: number, reason: string) => void;
}

/** runPool's options: a batch plus the worker module it runs on (a pool of its own, closed afterwards). */
export interface PoolOptions<I, R> extends RunOptions<I, R> {
  /** Absolute path of the worker module (.ts or .js) that calls `serveItems(handler)`. */
  workerModule: string;
  /** Passed to every worker as `workerData` (structured-cloned). */
  workerData?: unknown;
}

/** What happened while running, for callers that report it. */
export interface PoolReport {
  /** Threads started for this batch, including replacements for crashed ones (reused threads are not counted). */
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

/** What the batch currently using a thread wants to hear from it. */
interface SlotListener {
  message(msg: WorkerMessage): void;
  death(why: string): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  chunk: Chunk | null;
  /** Terminated on purpose (pool closed): its exit is not a crash. */
  stopping: boolean;
  /** The batch using it, or null when idle. */
  listener: SlotListener | null;
}

interface WorkerMessage {
  type: string;
  id?: number;
  pos?: number;
  result?: unknown;
}

/** Cores this process may use: the default worker count of the featurizer, the CNN's replicas and the MLP's helper thread. */
export function availableCores(): number {
  return typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
}

/** The bootstrap every worker runs: register tsx's CommonJS hook, then load the worker module (also used by lib/model/cnn-train.ts). */
export function bootstrapSource(workerModule: string): string {
  // Resolved here, from the project, so the worker finds tsx whatever its working directory is.
  const tsx = require.resolve('tsx/cjs');
  return `require(${JSON.stringify(tsx)}); require(${JSON.stringify(workerModule)});`;
}

/**
 * Threads of one worker module kept alive between batches, so a process that runs several batches
 * (a notebook extracting features twice) pays thread start-up (tsx, the module graph, JIT warm-up)
 * once. Threads are started lazily by the first batch that needs them and are unref'd while idle, so
 * an idle pool never keeps the process alive; `close()` ends them. Batches run one after another
 * (a second `run` waits for the first). A worker that dies mid-batch is replaced, its items retried.
 */
export class WorkerPool {
  readonly workerModule: string;
  private readonly workerData: unknown;
  private readonly slots = new Set<Slot>();
  private queueTail: Promise<unknown> = Promise.resolve();
  private nextChunkId = 0;
  private closed = false;

  constructor(workerModule: string, workerData?: unknown) {
    this.workerModule = workerModule;
    this.workerData = workerData;
  }

  /** Threads alive now (busy or idle). */
  get size(): number {
    return this.slots.size;
  }

  /**
   * Runs `items` through up to `workers` threads and resolves when every item has either a result
   * (`onResult`) or a crash report (`onCrash`). Never rejects because of a worker: failures are
   * retried, then reported per item, or the remaining work runs inline.
   */
  run<I, R>(opts: RunOptions<I, R>): Promise<PoolReport> {
    const turn = this.queueTail.then(() => this.runNow(opts));
    this.queueTail = turn.catch(() => undefined);
    return turn;
  }

  /** Terminates every thread; later runs start new ones. */
  async close(): Promise<void> {
    this.closed = true;
    const ending = [...this.slots].map((slot) => {
      slot.stopping = true;
      return slot.worker.terminate();
    });
    this.slots.clear();
    await Promise.all(ending);
    this.closed = false;
  }

  private spawn(): Slot | null {
    let worker: Worker;
    try {
      worker = new Worker(bootstrapSource(this.workerModule), { eval: true, workerData: this.workerData });
    } catch {
      return null;
    }
    worker.unref();
    const slot: Slot = { worker, ready: false, chunk: null, stopping: false, listener: null };
    this.slots.add(slot);
    worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'ready') slot.ready = true;
      slot.listener?.message(msg);
    });
    let lastError = '';
    worker.on('error', (err) => {
      lastError = err instanceof Error ? err.message : String(err);
    });
    worker.on('exit', (code) => {
      this.slots.delete(slot);
      if (!slot.stopping) slot.listener?.death(lastError || `exit code ${code}`);
    });
    return slot;
  }

  private runNow<I, R>(opts: RunOptions<I, R>): Promise<PoolReport> {
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
    if (workerCount === 0 || this.closed) return runInline(opts.items.map((_, i) => i)).then(() => report);

    // Chunks are cut when dispatched, shrinking as the batch drains (guided scheduling): big chunks
    // early keep messages few, small ones at the end keep the last worker from finishing alone.
    let nextIndex = 0;
    const cutChunk = (): Chunk | null => {
      if (nextIndex >= n) return null;
      const size = opts.chunkSize ?? Math.max(1, Math.min(32, Math.ceil((n - nextIndex) / (workerCount * 4))));
      const indices: number[] = [];
      for (let i = nextIndex; i < Math.min(n, nextIndex + size); i++) indices.push(i);
      nextIndex += indices.length;
      return { id: this.nextChunkId++, indices, received: new Set(), attempt: 0 };
    };
    /** Chunks handed back by dead workers, dispatched before new ones. */
    const queue: Chunk[] = [];
    let remaining = n;
    // Replacements for crashed workers are capped so a systematically crashing setup cannot spin forever.
    const maxStarts = workerCount + 4;
    let startupBroken = false;
    const active = new Set<Slot>();

    return new Promise<PoolReport>((resolveRun) => {
      let finished = false;
      /** The thread goes back to the pool, idle and unref'd. */
      const release = (slot: Slot) => {
        active.delete(slot);
        slot.listener = null;
        slot.chunk = null;
        slot.worker.unref();
      };
      const finish = () => {
        if (finished) return;
        finished = true;
        for (const slot of [...active]) release(slot);
        resolveRun(report);
      };
      const itemDone = () => {
        remaining--;
        if (remaining === 0) finish();
      };

      const dispatch = (slot: Slot) => {
        const chunk = queue.shift() ?? cutChunk();
        if (!chunk) {
          release(slot);
          return;
        }
        slot.chunk = chunk;
        slot.worker.postMessage({ type: 'chunk', id: chunk.id, items: chunk.indices.map((i) => opts.items[i]), context: opts.context });
      };

      // When no worker is alive and none can be started, whatever is left runs here.
      let draining = false;
      const drainInline = () => {
        if (active.size > 0 || finished || draining) return;
        draining = true;
        const left = queue.splice(0).flatMap((chunk) => chunk.indices.filter((_, pos) => !chunk.received.has(pos)));
        for (let i = nextIndex; i < n; i++) left.push(i);
        nextIndex = n;
        void runInline(left, itemDone);
      };

      const onDeath = (slot: Slot, why: string) => {
        if (!active.has(slot)) return;
        active.delete(slot);
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
              queue.unshift({ id: this.nextChunkId++, indices: [left[k]], received: new Set(), attempt: 1 });
            }
          } else {
            opts.onCrash(left[0], `worker crashed twice on this file (${why})`);
            itemDone();
          }
        }
        if (finished) return;
        if (!startupBroken && report.workersStarted < maxStarts && (queue.length > 0 || nextIndex < n)) {
          const fresh = this.spawn();
          if (fresh) {
            report.workersStarted++;
            attach(fresh);
            return;
          }
          startupBroken = true;
        }
        drainInline();
      };

      const attach = (slot: Slot) => {
        active.add(slot);
        slot.worker.ref(); // a batch in progress keeps the process alive
        slot.listener = {
          message: (msg) => {
            if (msg.type === 'result' && slot.chunk && msg.id === slot.chunk.id && msg.pos !== undefined) {
              slot.chunk.received.add(msg.pos);
              opts.onResult(slot.chunk.indices[msg.pos], msg.result as R);
              itemDone();
            } else if (msg.type === 'done' && slot.chunk && msg.id === slot.chunk.id) {
              slot.chunk = null;
              if (!finished) dispatch(slot);
            }
          },
          death: (why) => onDeath(slot, why),
        };
        dispatch(slot);
      };

      const idle = [...this.slots].filter((slot) => slot.listener === null && !slot.stopping);
      for (let k = 0; k < workerCount; k++) {
        let slot = idle.shift() ?? null;
        if (!slot) {
          slot = this.spawn();
          if (!slot) {
            startupBroken = true;
            break;
          }
          report.workersStarted++;
        }
        attach(slot);
      }
      if (active.size === 0) drainInline();
    });
  }
}

/**
 * Runs one batch on a pool of its own and closes it afterwards (see WorkerPool for batches that
 * should share threads).
 */
export async function runPool<I, R>(opts: PoolOptions<I, R>): Promise<PoolReport> {
  const pool = new WorkerPool(opts.workerModule, opts.workerData);
  try {
    return await pool.run(opts);
  } finally {
    await pool.close();
  }
}

/**
 * The worker side: call once at the top level of a worker module. Announces readiness, then answers
 * each chunk with one message per item (so the main thread can show progress) and a final 'done'.
 * The handler should not throw — turn per-item failures into results; a throw crashes the worker,
 * which the pool treats as a crash (retry, then report).
 */
export function serveItems<I, R, C = unknown>(handler: ItemHandler<I, R, C>): void {
  if (isMainThread || !parentPort) throw new Error('serveItems() must run in a worker thread');
  const port = parentPort;
  // Chunks are handled strictly one after another, even when the handler is asynchronous.
  let previous: Promise<void> = Promise.resolve();
  port.on('message', (msg: { type: string; id: number; items: I[]; context: C }) => {
    if (msg.type !== 'chunk') return;
    previous = previous.then(async () => {
      for (let pos = 0; pos < msg.items.length; pos++) {
        const { result, transfer } = await handler(msg.items[pos], msg.context);
        port.postMessage({ type: 'result', id: msg.id, pos, result }, transfer ?? []);
      }
      port.postMessage({ type: 'done', id: msg.id });
    });
  });
  port.postMessage({ type: 'ready' });
}
