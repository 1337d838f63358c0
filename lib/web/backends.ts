// The TensorFlow.js backends an exported page can run on (shared by the exporter in Node and the page).

export type SiteBackend = 'cpu' | 'wasm';

/** The .wasm files of tfjs-backend-wasm a wasm site carries (the threaded build needs cross-origin isolation, which a static site lacks). */
export const WASM_BACKEND_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;
