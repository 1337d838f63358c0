// Module types of the files the web bundle inlines (lib/web/export.ts): WebAssembly bytes and text files.
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
declare module '*?text' {
  const text: string;
  export default text;
}
