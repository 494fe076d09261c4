/** Accounts: Better Auth's email + password endpoints and our `/api/me`. */
import { api } from "./client";
import type { Me } from "./types";

export const authApi = {
  me: () => api.get<Me>("/api/me", { quietUnauthorized: true }),
  signUp: (input: { name: string; email: string; password: string }) =>
    api.post<unknown>("/api/auth/sign-up/email", input),
  signIn: (input: { email: string; password: string }) => api.post<unknown>("/api/auth/sign-in/email", input),
  // Better Auth rejects a POST without a JSON body on some versions; an empty object is always accepted.
  signOut: () => api.post<unknown>("/api/auth/sign-out", {}),
};
