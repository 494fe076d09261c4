/** The frame of every signed-in page: header with the product name, navigation and the account menu. */
import { Link, Outlet, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { session, useSession } from "../session";
import { toast } from "./toaster";

export function AppLayout() {
  const state = useSession();
  const navigate = useNavigate();
  const [signingOut, setSigningOut] = useState(false);
  const me = state.status === "signedIn" ? state.me : null;

  async function signOut() {
    setSigningOut(true);
    try {
      await session.signOut();
      await navigate({ to: "/sign-in" });
    } catch (error) {
      toast.error("Could not sign out", error);
    } finally {
      setSigningOut(false);
    }
  }

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/workflows" className="brand" aria-label="Nodebase home">
          <Logo />
          <span>Nodebase</span>
        </Link>
        <nav className="app-nav" aria-label="Main">
          <Link to="/workflows" className="nav-link" activeProps={{ className: "nav-link active" }}>
            Workflows
          </Link>
          <Link to="/executions" className="nav-link" activeProps={{ className: "nav-link active" }}>
            Executions
          </Link>
          <Link to="/credentials" className="nav-link" activeProps={{ className: "nav-link active" }}>
            Credentials
          </Link>
          <Link to="/settings/api-keys" className="nav-link" activeProps={{ className: "nav-link active" }}>
            API keys
          </Link>
        </nav>
        <div className="account">
          {me && (
            <span className="account-name" title={me.email}>
              {me.name || me.email}
            </span>
          )}
          <button type="button" className="btn btn-ghost btn-sm" onClick={signOut} disabled={signingOut}>
            {signingOut ? "Signing out…" : "Sign out"}
          </button>
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

export function Logo() {
  return (
    <svg width="24" height="24" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="var(--color-primary)" />
      <circle cx="10" cy="16" r="4" fill="white" />
      <circle cx="22" cy="10" r="3" fill="white" />
      <circle cx="22" cy="22" r="3" fill="white" />
      <path d="M13 15l6-4M13 17l6 4" stroke="white" strokeWidth="2" />
    </svg>
  );
}
