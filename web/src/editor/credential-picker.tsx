import { Link } from "@tanstack/react-router";
/** Picks one of the person's credentials of the types a node accepts (`GET /api/credentials?type=`). */
import { useEffect, useId, useState } from "react";
import { credentialsApi, type Credential } from "../api/credentials";
import { describeError } from "../components/toaster";

type LoadState =
  { status: "loading" } | { status: "error"; message: string } | { status: "ready"; items: Credential[] };

export function CredentialPicker({
  types,
  required,
  value,
  error,
  onChange,
}: {
  types: string[];
  required: boolean;
  value: string | null | undefined;
  error?: string;
  onChange: (id: string | null) => void;
}) {
  const id = useId();
  const [state, setState] = useState<LoadState>({ status: "loading" });
  const typesKey = types.join(",");

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    Promise.all(typesKey.split(",").map((type) => credentialsApi.listOfType(type, controller.signal)))
      .then((pages) => {
        const seen = new Set<string>();
        const items = pages.flatMap((p) => p.items).filter((c) => !seen.has(c.id) && seen.add(c.id));
        setState({ status: "ready", items });
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setState({ status: "error", message: describeError(err) });
      });
    return () => controller.abort();
  }, [typesKey]);

  return (
    <div className="schema-field" data-field="credentialId">
      <label className="field-label" htmlFor={id}>
        Credential{required && <span className="required"> *</span>}
      </label>
      {state.status === "loading" && <div className="skeleton skeleton-input" aria-busy="true" />}
      {state.status === "error" && (
        <span className="field-error" role="alert">
          Could not load credentials: {state.message}
        </span>
      )}
      {state.status === "ready" && state.items.length === 0 && (
        <p className="field-hint">
          No {types.join(" or ")} credential yet. <Link to="/credentials">Add one in Credentials</Link>, then
          pick it here.
        </p>
      )}
      {state.status === "ready" && state.items.length > 0 && (
        <select
          id={id}
          className="input input-sm"
          value={value ?? ""}
          aria-invalid={Boolean(error) || undefined}
          onChange={(event) => onChange(event.target.value || null)}
        >
          <option value="">{required ? "Choose a credential…" : "None"}</option>
          {state.items.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.type})
            </option>
          ))}
        </select>
      )}
      <span className="field-hint">Accepts: {types.join(", ")}</span>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
