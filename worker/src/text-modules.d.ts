// Files bundled as text by wrangler.toml [[rules]] type = "Text" (vitest-pool-workers honours the same rules).
declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  const text: string;
  export default text;
}
declare module "swagger-ui-dist/swagger-ui.css" {
  const text: string;
  export default text;
}
