/** The centred card shared by sign-in and sign-up, and the submit flow they share. */
import { useNavigate } from "@tanstack/react-router";
import { useState, type FormEvent, type ReactNode } from "react";
import { safeRedirect } from "../session";
import { Logo } from "./app-layout";
import { describeError } from "./toaster";

/**
 * Submits an auth form: runs `action` with its fields (busy while it runs, the server's message on
 * failure), then goes where the person was headed (`?redirect=`, checked by `safeRedirect`).
 */
export function useAuthForm(redirect: string | undefined, action: (form: FormData) => Promise<void>) {
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await action(form);
      await navigate({ to: safeRedirect(redirect) });
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return { error, busy, submit };
}

export function AuthCard({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle: string;
  children: ReactNode;
  footer: ReactNode;
}) {
  return (
    <div className="auth-page">
      <main className="auth-card">
        <div className="auth-brand">
          <Logo />
          <span>Nodebase</span>
        </div>
        <h1 className="auth-title">{title}</h1>
        <p className="auth-subtitle">{subtitle}</p>
        {children}
        <p className="auth-footer">{footer}</p>
      </main>
    </div>
  );
}

/** The server's message for a failed sign-in/up, shown above the form (and announced). */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="form-error" role="alert">
      {message}
    </div>
  );
}
