// Module types of the files the web bundle inlines (lib/web/export.ts): WebAssembly bytes, text files, and
// the .wasm an emscripten glue module loads (`'pkg/glue?wasm'`: the file of the same name ending in .wasm).
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
declare module '*?text' {
  const text: string;
  export default text;
}
declare module '*?wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
