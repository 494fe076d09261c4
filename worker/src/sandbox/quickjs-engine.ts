/**
 * The QuickJS engine (compiled to WebAssembly, from the quickjs-emscripten packages) that runs `code`
 * nodes. The .wasm file is imported as a compiled module (wrangler.toml `[[rules]] type = "CompiledWasm"`),
 * so loading it needs no network and no `eval`.
 *
 * Its WebAssembly memory is created here with a fixed maximum (MEMORY_LIMIT_BYTES): that is the memory
 * limit that holds. (QuickJS's own `setMemoryLimit` counts bytes with `malloc_usable_size`, which this
 * build lacks, so it only refuses single allocations above the limit, never many smaller ones.)
 *
 * One instance is kept per isolate ("warm"); every run gets its own QuickJS runtime and context inside it,
 * so nothing a run leaves behind is visible to the next. After a run that hit a limit, or when disposing
 * a runtime fails, the instance is thrown away and the next run loads a fresh one ("cold").
 */
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from "quickjs-emscripten-core";
import releaseSync from "@jitl/quickjs-wasmfile-release-sync";
import wasmModule from "@jitl/quickjs-wasmfile-release-sync/wasm";

/** All the memory one engine instance may use: the code's data, QuickJS's own state and its stack. */
export const MEMORY_LIMIT_BYTES = 64 * 1024 * 1024;
const PAGE_BYTES = 64 * 1024;
/** What the build starts with (its INITIAL_MEMORY, 16 MiB). */
const INITIAL_BYTES = 16 * 1024 * 1024;

let warm: Promise<QuickJSWASMModule> | undefined;

/** Loads a new engine instance, with a memory of its own that cannot grow past the limit. */
export function loadQuickJS(): Promise<QuickJSWASMModule> {
  const wasmMemory = new WebAssembly.Memory({
    initial: INITIAL_BYTES / PAGE_BYTES,
    maximum: MEMORY_LIMIT_BYTES / PAGE_BYTES,
  });
  return newQuickJSWASMModuleFromVariant(newVariant(releaseSync, { wasmModule, wasmMemory }));
}

/** The isolate's engine instance, loading it on first use. */
export function quickJS(): Promise<QuickJSWASMModule> {
  if (!warm) {
    warm = loadQuickJS();
    // A failed load must not stick: the next run tries again.
    warm.catch(() => (warm = undefined));
  }
  return warm;
}

/** Drops the engine instance (its whole WebAssembly memory); the next run loads a new one. */
export function discardQuickJS(): void {
  warm = undefined;
}
