/**
 * Builds the SPA into web/dist, which the Worker serves as static assets (wrangler.toml [assets]).
 * `vite --config web/vite.config.ts` also works for UI work: /api and /webhooks are proxied to a
 * running `npm run dev` on 127.0.0.1:8787 so cookies stay same-origin.
 */
import react from "@vitejs/plugin-react";
import { resolve } from "node:path";
import { defineConfig } from "vite";

const root = import.meta.dirname;
const workerOrigin = process.env.NODEBASE_WORKER_ORIGIN ?? "http://127.0.0.1:8787";

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: resolve(root, "dist"),
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Fewer, larger chunks. Left to itself the bundler made a chunk of every module two lazy pages share
        // (a 219-byte `names`, `format`, `load-states`, …): opening the editor fetched 11 scripts after the
        // first ones, and the initial page 4. Browsers open 6 connections per host over HTTP/1.1 (what
        // `wrangler dev` speaks), so those queued behind the workflow's own requests (issue 16,
        // docs/benchmarks.md). Now: everything the first page needs is one chunk (`$initial`), and the
        // small app modules lazy pages share are one `shared` chunk. Not the editor's own modules: they
        // import @xyflow/react, which the list pages must not load.
        codeSplitting: {
          groups: [
            { name: "index", tags: ["$initial"], priority: 2 },
            {
              name: "shared",
              test: /[\\/]web[\\/]src[\\/](api|lib|components)[\\/]/,
              minShareCount: 2,
              includeDependenciesRecursively: false,
              priority: 1,
            },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      "/api": { target: workerOrigin, ws: true },
      "/webhooks": workerOrigin,
      "/webhooks-test": workerOrigin,
    },
  },
});
