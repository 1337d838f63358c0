// The memory maximum of every kernel built for threads (`;; variant: shared` in its .wat): the one number
// scripts/build-kernels.ts writes into the shared binary's memory import and the code that creates the
// shared memory must declare alike (instantiating fails when they differ).

/**
 * Pages of 64 KiB (16384: 1 GiB). A shared WebAssembly memory must declare a maximum, since it cannot
 * move when it grows.
 */
export const SHARED_MEMORY_MAX_PAGES = 16384;
