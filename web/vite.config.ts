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
  },
  server: {
    proxy: {
      "/api": { target: workerOrigin, ws: true },
      "/webhooks": workerOrigin,
      "/webhooks-test": workerOrigin,
    },
  },
});
