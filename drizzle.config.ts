import { defineConfig } from "drizzle-kit";

// Generates SQL migrations for D1 from the drizzle schema; wrangler applies them (`npm run migrate:local`).
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/src/storage/schema.ts",
  out: "./migrations",
});
