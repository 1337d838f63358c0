// The helper thread of lib/model/mlp-threads.ts: waits for a job on the shared control block, takes its
// chunks one at a time (as the calling thread does) and runs the shared-memory kernel (kernels/mlp.shared.wasm)
// on each.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { chunkArgs, CONTROL, OP, SPIN_LOOPS, takeChunk, type KernelThreadData } from './mlp-threads';

type Kernel = (...args: number[]) => void;

function main(): void {
  const { control, module, port } = workerData as KernelThreadData;
  const c = new Int32Array(control);
  let kernels: Record<'gemm' | 'adam' | 'reluGrad' | 'dropout', Kernel> | null = null;
  const kernelOf = (op: number): Kernel => {
    if (op === OP.bind) {
      return (id: number) => {
        // The memory is on the port, sent just before the job was posted; take the message with this job's
        // id (a message crosses threads asynchronously: wait for it if it is not there yet).
        const started = Date.now();
        for (;;) {
          const msg = receiveMessageOnPort(port);
          if (msg) {
            const { id: got, memory } = msg.message as { id: number; memory: WebAssembly.Memory };
            if (got !== id) continue; // an earlier bind's memory (that job failed): not this one
            kernels = new WebAssembly.Instance(module, { env: { mem: memory } }).exports as unknown as typeof kernels;
            return;
          }
          if (Date.now() - started > 10_000) throw new Error(`bind: no memory on the port after 10 s`);
        }
      };
    }
    if (!kernels) throw new Error(`job ${op} before any memory was bound`);
    if (op === OP.gemm) return kernels.gemm;
    if (op === OP.adam) return kernels.adam;
    if (op === OP.reluGrad) return kernels.reluGrad;
    if (op === OP.dropout) return kernels.dropout;
    throw new Error(`unknown job ${op}`);
  };
  let seen = 0;
  Atomics.store(c, CONTROL.ready, 1);
  for (;;) {
    let spins = 0;
    while (Atomics.load(c, CONTROL.request) === seen) {
      if (++spins > SPIN_LOOPS) {
        // Say so before sleeping: a job posted from here on comes with a wake-up call (and one posted
        // before the wait makes it return at once, as the request is no longer `seen`).
        Atomics.store(c, CONTROL.sleeping, 1);
        Atomics.wait(c, CONTROL.request, seen);
        Atomics.store(c, CONTROL.sleeping, 0);
        spins = 0;
      }
    }
    seen = Atomics.load(c, CONTROL.request);
    if (c[CONTROL.op] === OP.exit) break;
    // The job's op and arguments stay put while any of its chunks is unfinished, so they are read after a
    // chunk is taken (a job the caller has already finished has no chunk left to take).
    for (let i = takeChunk(c, seen); i >= 0; i = takeChunk(c, seen)) {
      try {
        kernelOf(c[CONTROL.op])(...chunkArgs(c, i));
      } catch (err) {
        parentPort?.postMessage({ message: err instanceof Error ? err.message : String(err) });
        Atomics.store(c, CONTROL.failed, 1);
      }
      Atomics.add(c, CONTROL.finished, 1);
      Atomics.notify(c, CONTROL.finished);
    }
  }
}

main();
