/**
 * Who is signed in. `/api/me` is asked once and cached; sign-in, sign-up and sign-out refresh it, and any
 * 401 from the API clears it (the router then sends the person to /sign-in).
 */
import { useSyncExternalStore } from "react";
import { authApi } from "./api/auth";
import { ApiError } from "./api/client";
import type { Me } from "./api/types";

type State = { status: "unknown" } | { status: "signedIn"; me: Me } | { status: "signedOut" };

let state: State = { status: "unknown" };
let pending: Promise<Me | null> | null = null;
const listeners = new Set<() => void>();

function setState(next: State) {
  state = next;
  listeners.forEach((l) => l());
}

export const session = {
  /** The signed-in person, asking the server only when not known yet. Network errors propagate. */
  async ensure(): Promise<Me | null> {
    if (state.status === "signedIn") return state.me;
    if (state.status === "signedOut") return null;
    pending ??= authApi
      .me()
      .then((me) => {
        setState({ status: "signedIn", me });
        return me;
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.isUnauthorized) {
          setState({ status: "signedOut" });
          return null;
        }
        throw error;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  },
  /** Forget what we know and ask again (after sign-in / sign-up). */
  async refresh(): Promise<Me | null> {
    state = { status: "unknown" };
    return session.ensure();
  },
  clear() {
    setState({ status: "signedOut" });
  },
  async signOut() {
    try {
      await authApi.signOut();
    } finally {
      session.clear();
    }
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
  snapshot: () => state,
};

export function useSession(): State {
  return useSyncExternalStore(session.subscribe, session.snapshot);
}

/** Only same-site paths may be redirect targets (no `//evil.example`). */
export function safeRedirect(target: unknown): string {
  return typeof target === "string" && target.startsWith("/") && !target.startsWith("//")
    ? target
    : "/workflows";
}
