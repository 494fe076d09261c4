/** The centred card shared by sign-in and sign-up. */
import type { ReactNode } from "react";
import { Logo } from "./app-layout";

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
