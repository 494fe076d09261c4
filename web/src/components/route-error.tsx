/** Shown when a route fails to load (a lost chunk after a deploy, the server down during beforeLoad). */
import { useRouter, type ErrorComponentProps } from "@tanstack/react-router";
import { describeError } from "./toaster";

export function RouteError({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  return (
    <div className="centered-page">
      <div className="state state-error" role="alert">
        <h1 className="state-title">Something went wrong</h1>
        <p>{describeError(error)}</p>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => {
            reset();
            void router.invalidate();
          }}
        >
          Try again
        </button>
      </div>
    </div>
  );
}
