// Files bundled as text by wrangler.toml [[rules]] type = "Text" (vitest-pool-workers honours the same rules).
declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  const text: string;
  export default text;
}
declare module "swagger-ui-dist/swagger-ui.css" {
  const text: string;
  export default text;
}
// The QuickJS engine's WebAssembly, bundled as a compiled module (wrangler.toml [[rules]] type = "CompiledWasm").
declare module "@jitl/quickjs-wasmfile-release-sync/wasm" {
  const module: WebAssembly.Module;
  export default module;
}
