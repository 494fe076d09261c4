/**
 * A deep link into the editor (a reload, a shared link, a bookmark): the workflow, the node types and the
 * editor's chunk are asked for at once, beside the session check, instead of after it (the route's loader
 * and its lazy component only start once the `app` guard has its /api/me answer). For a 500-node workflow
 * that wait was the largest part of opening the editor (issue 16, docs/benchmarks.md). main.tsx imports
 * this module first, so it runs before React and the router are even evaluated; the loader and the editor
 * page then reuse these requests (api/prefetch.ts).
 */
import { prefetchEditor } from "./api/prefetch";

const editorPath = /^\/workflows\/([^/]+)\/?$/.exec(window.location.pathname);
if (editorPath) {
  // Quiet: the session is not known yet; a signed-out visitor is sent to sign in by the guard, not by these.
  prefetchEditor(decodeURIComponent(editorPath[1]!), { quiet: true });
  void import("./editor/editor-page");
}
