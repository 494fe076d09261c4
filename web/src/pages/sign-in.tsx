import { Link, useSearch } from "@tanstack/react-router";
import { authApi } from "../api/auth";
import { AuthCard, FormError, useAuthForm } from "../components/auth-card";
import { session } from "../session";

export function SignInPage() {
  const search = useSearch({ from: "/sign-in" });
  const { error, busy, submit } = useAuthForm(search.redirect, async (form) => {
    await authApi.signIn({ email: String(form.get("email")), password: String(form.get("password")) });
    await session.refresh();
  });

  return (
    <AuthCard
      title="Sign in"
      subtitle="Welcome back. Sign in to your workflows."
      footer={
        <>
          New to Nodebase?{" "}
          <Link to="/sign-up" search={search}>
            Create an account
          </Link>
        </>
      }
    >
      <form className="form" onSubmit={submit} noValidate={false}>
        <FormError message={error} />
        <label className="field">
          <span className="field-label">Email</span>
          <input className="input" name="email" type="email" autoComplete="email" required autoFocus />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input className="input" name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </AuthCard>
  );
}
