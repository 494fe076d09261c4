/** The Hono environment shared by every sub-app: Worker bindings and the signed-in user. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** Set by `requireUser`; every query is scoped to it. */
    userId: string;
  };
}
