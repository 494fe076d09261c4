/**
 * Toasts: short messages in a live region at the bottom right. Failures are `role="alert"` so screen
 * readers announce them; they stay until dismissed or 8 s pass, successes go after 4 s.
 */
import { useSyncExternalStore } from "react";
import { ApiError } from "../api/client";

export interface Toast {
  id: number;
  kind: "success" | "error" | "info";
  message: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

function push(kind: Toast["kind"], message: string) {
  const id = nextId++;
  toasts = [...toasts.slice(-4), { id, kind, message }];
  emit();
  setTimeout(() => dismiss(id), kind === "error" ? 8000 : 4000);
}

function dismiss(id: number) {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export const toast = {
  /** A save that worked makes earlier failures stale: they go, so "Saved" never stands beside them. */
  clearErrors: () => {
    toasts = toasts.filter((t) => t.kind !== "error");
    emit();
  },
  success: (message: string) => push("success", message),
  info: (message: string) => push("info", message),
  /** Shows what failed and why: "Could not delete: Workflow not found". */
  error: (what: string, error?: unknown) =>
    push("error", error === undefined ? what : `${what}: ${describeError(error)}`),
};

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function Toaster() {
  const items = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    () => toasts,
  );
  return (
    <div className="toaster" aria-live="polite">
      {items.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === "error" ? "alert" : "status"}>
          <span>{t.message}</span>
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
