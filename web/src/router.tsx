/**
 * Routes (code-based). Page components are lazy chunks so the list pages stay small and the editor,
 * when it replaces the workflow page, is split from them. Everything under the `app` layout requires a
 * session; /sign-in and /sign-up send a signed-in person on to the app.
 */
import {
  Outlet,
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
} from "@tanstack/react-router";
import { onUnauthorized } from "./api/client";
import { prefetchEditor } from "./api/prefetch";
import { AppLayout } from "./components/app-layout";
import { RouteError } from "./components/route-error";
import { Toaster } from "./components/toaster";
import type { CredentialsSearch } from "./pages/credentials";
import { NotFoundPage } from "./pages/not-found";
import { safeRedirect, session } from "./session";

export interface RouterContext {
  session: typeof session;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: () => (
    <>
      <Outlet />
      <Toaster />
    </>
  ),
  notFoundComponent: NotFoundPage,
  errorComponent: RouteError,
});

type AuthSearch = { redirect?: string };
const validateAuthSearch = (search: Record<string, unknown>): AuthSearch =>
  typeof search.redirect === "string" ? { redirect: search.redirect } : {};

async function redirectIfSignedIn({ context, search }: { context: RouterContext; search: AuthSearch }) {
  if (await context.session.ensure()) throw redirect({ to: safeRedirect(search.redirect) });
}

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/sign-in",
  validateSearch: validateAuthSearch,
  beforeLoad: redirectIfSignedIn,
  component: lazyRouteComponent(() => import("./pages/sign-in"), "SignInPage"),
});

const signUpRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/sign-up",
  validateSearch: validateAuthSearch,
  beforeLoad: redirectIfSignedIn,
  component: lazyRouteComponent(() => import("./pages/sign-up"), "SignUpPage"),
});

/** Pathless layout: the header and the session guard for every signed-in page. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "app",
  beforeLoad: async ({ context, location }) => {
    const me = await context.session.ensure();
    if (!me) throw redirect({ to: "/sign-in", search: { redirect: location.href } });
    return { me };
  },
  component: AppLayout,
});

const indexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/",
  beforeLoad: () => {
    throw redirect({ to: "/workflows" });
  },
});

export type WorkflowsSearch = { search?: string; tag?: string };

const workflowsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/workflows",
  // The list's search box and tag filter live in the URL, so a reload or a shared link keeps them.
  validateSearch: (search: Record<string, unknown>): WorkflowsSearch => ({
    search: typeof search.search === "string" && search.search ? search.search : undefined,
    tag: typeof search.tag === "string" && search.tag ? search.tag : undefined,
  }),
  component: lazyRouteComponent(() => import("./pages/workflows-list"), "WorkflowsListPage"),
});

/** The editor: a lazy chunk of its own (with @xyflow/react), separate from the list pages. */
export const workflowRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/workflows/$workflowId",
  // `?debug=<executionId>`: open with that run's trigger data pinned ("Open in editor with this data").
  validateSearch: (search: Record<string, unknown>): { debug?: string } => ({
    debug: typeof search.debug === "string" && search.debug ? search.debug : undefined,
  }),
  // Not awaited: the requests run while the editor chunk downloads; the page picks their answers up.
  loader: ({ params }) => prefetchEditor(params.workflowId),
  component: lazyRouteComponent(() => import("./editor/editor-page"), "EditorPage"),
});

export type ExecutionsSearch = { workflowId?: string; status?: string };

const executionsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/executions",
  validateSearch: (search: Record<string, unknown>): ExecutionsSearch => ({
    workflowId: typeof search.workflowId === "string" && search.workflowId ? search.workflowId : undefined,
    status: typeof search.status === "string" && search.status ? search.status : undefined,
  }),
  component: lazyRouteComponent(() => import("./pages/executions-list"), "ExecutionsListPage"),
});

const executionRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/executions/$executionId",
  component: lazyRouteComponent(() => import("./pages/execution-detail"), "ExecutionDetailPage"),
});

/** `?connected=<id>` or `?connectError=<code>&credential=<id>`: where an OAuth2 connect comes back. */
const credentialsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/credentials",
  validateSearch: (search: Record<string, unknown>): CredentialsSearch => {
    const pick = (key: string) => (typeof search[key] === "string" ? (search[key] as string) : undefined);
    return {
      connected: pick("connected"),
      connectError: pick("connectError"),
      credential: pick("credential"),
    };
  },
  component: lazyRouteComponent(() => import("./pages/credentials"), "CredentialsPage"),
});

const apiKeysRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/settings/api-keys",
  component: lazyRouteComponent(() => import("./pages/api-keys"), "ApiKeysPage"),
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  signUpRoute,
  appRoute.addChildren([
    indexRoute,
    workflowsRoute,
    workflowRoute,
    executionsRoute,
    executionRoute,
    credentialsRoute,
    apiKeysRoute,
  ]),
]);

export const router = createRouter({
  routeTree,
  context: { session },
  defaultPreload: "intent",
  scrollRestoration: true,
});

// A request that answers 401 means the session ended (expired, signed out elsewhere): go sign in again.
onUnauthorized(() => {
  session.clear();
  const { pathname, href } = router.state.location;
  if (pathname !== "/sign-in" && pathname !== "/sign-up") {
    void router.navigate({ to: "/sign-in", search: { redirect: href } });
  }
});

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
