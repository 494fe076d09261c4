import { Link, useSearch } from "@tanstack/react-router";
import { authApi } from "../api/auth";
import { AuthCard, FormError, useAuthForm } from "../components/auth-card";
import { session } from "../session";

/** Better Auth's default minimum; checked here too so the person learns it before a round trip. */
const MIN_PASSWORD_LENGTH = 8;

export function SignUpPage() {
  const search = useSearch({ from: "/sign-up" });
  const { error, busy, submit } = useAuthForm(search.redirect, async (form) => {
    const input = {
      name: String(form.get("name")).trim(),
      email: String(form.get("email")).trim(),
      password: String(form.get("password")),
    };
    await authApi.signUp(input);
    // Better Auth signs the new account in; asking /api/me confirms the session cookie works.
    const me = await session.refresh();
    if (!me) await authApi.signIn(input).then(() => session.refresh());
  });

  return (
    <AuthCard
      title="Create your account"
      subtitle="Automate anything with workflows that run on Cloudflare."
      footer={
        <>
          Already have an account?{" "}
          <Link to="/sign-in" search={search}>
            Sign in
          </Link>
        </>
      }
    >
      <form className="form" onSubmit={submit}>
        <FormError message={error} />
        <label className="field">
          <span className="field-label">Name</span>
          <input className="input" name="name" autoComplete="name" required autoFocus />
        </label>
        <label className="field">
          <span className="field-label">Email</span>
          <input className="input" name="email" type="email" autoComplete="email" required />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input
            className="input"
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={MIN_PASSWORD_LENGTH}
            required
            aria-describedby="password-hint"
          />
          <span id="password-hint" className="field-hint">
            At least {MIN_PASSWORD_LENGTH} characters.
          </span>
        </label>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? "Creating account…" : "Create account"}
        </button>
      </form>
    </AuthCard>
  );
}
