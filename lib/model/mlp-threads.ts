// A helper thread for the MLP step's kernels (kernels/mlp.wat). KernelHeap cuts a large kernel call into a
// few chunks — column (or row) ranges of a matrix product, unit ranges of the ReLU gradient, weight ranges of
// Adam — and this thread and the helper take chunks in turn over the same shared WebAssembly memory.
//
// Why split outputs and not the batch: two half-batch gradients summed would round differently from one
// full-batch product, so the weights would depend on the thread count. Every output element here is computed
// by the same instructions in the same order as on one thread (no sum is split), so one thread and two give
// bit-identical weights, whoever computes which chunk.
// Why chunks taken in turn instead of fixed halves: the second core is not always there (the JIT's and the
// garbage collector's background threads, other processes). Chunks are claimed one at a time (a counter
// both threads increment atomically), so a helper that is late or preempted only leaves its chunks to the
// caller: the call never waits for more than one chunk.
// Why spin before sleeping: a tutorial epoch makes ~1 900 such calls (~11 per step), each ~10–60 µs of work;
// waking a sleeping thread (Atomics.wait/notify) costs tens of µs, a spin on a shared flag ~1 µs. So the
// helper spins a little after each job and only then sleeps (between epochs, at the end).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { availableCores, bootstrapSource } from '../util/worker-pool';

/** Most chunks a job has, and the kernel arguments per chunk. */
export const MAX_CHUNKS = 8;
export const ARGS_PER_CHUNK = 12;

/** Slots of the control block (an Int32Array over a SharedArrayBuffer) the two threads share. */
export const CONTROL = {
  /** Sequence number of the last job posted (the helper waits for it to change). */
  request: 0,
  /** Chunks of the current job finished (by either thread). */
  finished: 1,
  /** What the job is: one of OP. */
  op: 2,
  /** 1 once the helper runs its loop. */
  ready: 3,
  /** 1 if a chunk failed on the helper (it posts the message on its port). */
  failed: 4,
  /** The next chunk to take: jobTag(sequence) + chunk index (see `takeChunk`). */
  next: 5,
  /** 1 while the helper sleeps in Atomics.wait (only then does posting a job need a wake-up call). */
  sleeping: 6,
  /** Chunks in the current job. */
  chunks: 7,
  /** Chunk i's arguments (the kernel's parameters, in bytes as the kernel takes them) at args + i·ARGS_PER_CHUNK. */
  args: 8,
  size: 8 + MAX_CHUNKS * ARGS_PER_CHUNK,
} as const;

/** Jobs: bind the memory sent on the port, call one kernel per chunk, or end the helper. */
export const OP = { bind: 1, gemm: 2, adam: 3, reluGrad: 4, dropout: 5, exit: 6 } as const;

/** Iterations of a spin on the control block before sleeping (~50–100 µs). */
export const SPIN_LOOPS = 30_000;

/** `next`'s value when job `sequence` is posted: its sequence (20 bits) above an 8-bit chunk index. */
const jobTag = (sequence: number): number => (sequence & 0xfffff) << 8;
/** `next` while a job is being written: matches no job, so no chunk can be taken with half-written arguments. */
const CLOSED = -1;

/**
 * Take the next chunk of job `sequence`: its index, or -1 when none is left (or the job is no longer the
 * current one: a late thread must not take chunks of the next job with this one's kernel).
 */
export function takeChunk(c: Int32Array, sequence: number): number {
  for (;;) {
    const v = Atomics.load(c, CONTROL.next);
    const i = v & 0xff;
    // `chunks` is only rewritten while `next` is CLOSED: if it changed after `v` was read, the exchange fails.
    if ((v & ~0xff) !== jobTag(sequence) || i >= Atomics.load(c, CONTROL.chunks)) return -1;
    if (Atomics.compareExchange(c, CONTROL.next, v, v + 1) === v) return i;
  }
}

/** Chunk i's arguments. */
export const chunkArgs = (c: Int32Array, i: number): number[] =>
  Array.from(c.subarray(CONTROL.args + i * ARGS_PER_CHUNK, CONTROL.args + (i + 1) * ARGS_PER_CHUNK));

/** What the helper gets as workerData. */
export interface KernelThreadData {
  control: SharedArrayBuffer;
  module: WebAssembly.Module;
  port: MessagePort;
}

function workerModulePath(): string {
  const ts = join(__dirname, 'mlp-thread-worker.ts');
  return existsSync(ts) ? ts : join(__dirname, 'mlp-thread-worker.js');
}

/** The helper thread, seen from the calling thread. */
export class KernelThread {
  private readonly control: Int32Array;
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private sequence = 0;
  private failure: string | null = null;
  /** The memory the helper's kernels currently run on. */
  private bound: WebAssembly.Memory | null = null;
  /** Chunks computed by the helper and by the calling thread, since start. */
  readonly counts = { helper: 0, caller: 0 };

  constructor(module: WebAssembly.Module) {
    this.control = new Int32Array(new SharedArrayBuffer(CONTROL.size * 4));
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const data: KernelThreadData = { control: this.control.buffer as SharedArrayBuffer, module, port: port2 };
    this.worker = new Worker(bootstrapSource(workerModulePath()), { eval: true, workerData: data, transferList: [port2] });
    this.worker.on('message', (m: { message?: string }) => (this.failure = m.message ?? 'failed'));
    this.worker.on('error', (err) => (this.failure = err.message));
    // An idle helper never keeps the process alive.
    this.worker.unref();
    this.port.unref();
  }

  /** Whether the helper runs its loop (it starts in the background: until then the caller computes alone). */
  get ready(): boolean {
    return this.failure === null && Atomics.load(this.control, CONTROL.ready) === 1;
  }

  /** Point the helper's kernels at `memory` (a shared WebAssembly memory); no-op when they already are. */
  bind(memory: WebAssembly.Memory): void {
    if (this.bound === memory) return;
    const id = this.sequence + 1;
    this.port.postMessage({ id, memory });
    this.post(OP.bind, [[id]]);
    this.waitFor(1);
    this.bound = memory;
  }

  /**
   * One kernel call cut into chunks (each the kernel's arguments): both threads take chunks until none is
   * left, the caller computing its chunks with `kernel`. Returns when every chunk is done.
   */
  run(op: number, chunks: readonly (readonly number[])[], kernel: (...args: number[]) => void): void {
    this.post(op, chunks);
    const c = this.control;
    const s = this.sequence;
    let mine = 0;
    for (let i = takeChunk(c, s); i >= 0; i = takeChunk(c, s)) {
      kernel(...chunks[i]);
      Atomics.add(c, CONTROL.finished, 1);
      mine++;
    }
    this.waitFor(chunks.length);
    this.counts.caller += mine;
    this.counts.helper += chunks.length - mine;
  }

  /** Post a job of these chunks. */
  private post(op: number, chunks: readonly (readonly number[])[]): void {
    const c = this.control;
    if (chunks.length > MAX_CHUNKS) throw new RangeError(`lib/model/mlp-threads.ts: ${chunks.length} chunks, at most ${MAX_CHUNKS}`);
    // Close the previous job first: a late thread that saw its last chunk index must not find it below a
    // new, larger chunk count and take a chunk of this job before its arguments are written.
    Atomics.store(c, CONTROL.next, CLOSED);
    c[CONTROL.op] = op;
    Atomics.store(c, CONTROL.chunks, chunks.length);
    chunks.forEach((args, i) => c.set(args, CONTROL.args + i * ARGS_PER_CHUNK));
    Atomics.store(c, CONTROL.finished, 0);
    this.sequence++;
    Atomics.store(c, CONTROL.next, jobTag(this.sequence));
    Atomics.store(c, CONTROL.request, this.sequence);
    if (Atomics.load(c, CONTROL.sleeping)) Atomics.notify(c, CONTROL.request);
  }

  /** Wait until `count` chunks of the current job are finished (the helper's last one may still run). */
  private waitFor(count: number): void {
    const c = this.control;
    let spins = 0;
    let sleeps = 0;
    while (Atomics.load(c, CONTROL.finished) < count) {
      if (Atomics.load(c, CONTROL.failed)) break;
      if (++spins > SPIN_LOOPS) {
        Atomics.wait(c, CONTROL.finished, Atomics.load(c, CONTROL.finished), 50);
        // A chunk is at most milliseconds of work: a helper silent for 30 s is gone (killed, out of memory).
        if (++sleeps > 600) {
          this.failure ??= 'no answer for 30 s';
          break;
        }
      }
    }
    if (Atomics.load(c, CONTROL.failed)) this.failure ??= 'a kernel call failed';
    if (this.failure !== null) {
      throw new Error(`lib/model/mlp-threads.ts: the MLP step's helper thread failed: ${this.failure}`);
    }
  }

  /** End the helper thread. */
  async close(): Promise<void> {
    if (this.ready) {
      this.post(OP.exit, []);
      Atomics.notify(this.control, CONTROL.request);
    }
    await this.worker.terminate();
  }
}

let shared: KernelThread | null | undefined;

/**
 * The process's helper thread for the shared-memory kernels `module` (started on first use, kept for later
 * runs), or null with one core or SOUNDLAB_MLP_THREADS=1.
 */
export function kernelThread(module: WebAssembly.Module): KernelThread | null {
  if (shared === undefined) {
    const wanted = Number(process.env.SOUNDLAB_MLP_THREADS ?? 2);
    shared = wanted >= 2 && availableCores() >= 2 && typeof SharedArrayBuffer === 'function' ? new KernelThread(module) : null;
  }
  return shared;
}

/** Chunks the helper thread and the calling threads computed since it started (null: no helper). */
export function kernelThreadCounts(): { helper: number; caller: number } | null {
  return shared ? { ...shared.counts } : null;
}

/** Ends the helper thread (optional: an idle one never keeps the process alive); the next run starts a new one. */
export async function closeKernelThread(): Promise<void> {
  const t = shared;
  shared = undefined;
  if (t) await t.close();
}
