/**
 * `/credentials`: the person's credentials (never their secrets), with create and edit forms generated
 * from each type's JSON Schema, delete (with the list of workflows still using it, and "delete anyway"),
 * and Connect for OAuth2 credentials. `?connected=<id>` / `?connectError=<code>` come back from OAuth2.
 */
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../api/client";
import { credentialsApi, type Credential, type CredentialType, type InUseDetails } from "../api/credentials";
import { ConfirmDialog } from "../components/confirm-dialog";
import { CredentialForm } from "../components/credential-form";
import { describeError, toast } from "../components/toaster";
import { formatRelative } from "../lib/format";
import { LoadError } from "../components/load-states";

export interface CredentialsSearch {
  connected?: string;
  connectError?: string;
  credential?: string;
}

type PageState =
  | { status: "loading" }
  | { status: "error"; message: string }
  | { status: "ready"; types: CredentialType[]; items: Credential[]; nextCursor: string | null };

const CONNECT_ERRORS: Record<string, string> = {
  oauth2_denied: "The provider did not grant access.",
  oauth2_token_rejected:
    "The provider refused the code exchange: check the client ID, secret and callback URL.",
  oauth2_token_failed: "The provider's token endpoint did not answer. Try again.",
};

export function CredentialsPage() {
  const search = useSearch({ strict: false }) as CredentialsSearch;
  const navigate = useNavigate();
  const [state, setState] = useState<PageState>({ status: "loading" });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<{ credential: Credential; inUse?: InUseDetails } | null>(null);
  const [deleting, setDeleting] = useState(false);

  const load = useCallback(async (signal?: AbortSignal) => {
    setState({ status: "loading" });
    try {
      const [types, page] = await Promise.all([
        credentialsApi.types(signal),
        credentialsApi.list(undefined, signal),
      ]);
      setState({ status: "ready", types: types.items, items: page.items, nextCursor: page.nextCursor });
    } catch (error) {
      if (signal?.aborted) return;
      setState({ status: "error", message: describeError(error) });
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const ready = state.status === "ready" ? state : null;
  const titleOf = (type: string) => ready?.types.find((t) => t.type === type)?.title ?? type;
  const replace = (credential: Credential) =>
    setState((s) =>
      s.status === "ready"
        ? { ...s, items: [credential, ...s.items.filter((c) => c.id !== credential.id)] }
        : s,
    );

  async function save(body: { name: string; type: string; data: Record<string, unknown> }, id?: string) {
    try {
      const saved = id
        ? await credentialsApi.update(id, { name: body.name, data: body.data })
        : await credentialsApi.create(body);
      replace(saved);
      toast.success(id ? `Saved “${saved.name}”` : `Created “${saved.name}”`);
      setCreating(false);
      setEditing(null);
      return null;
    } catch (error) {
      if (error instanceof ApiError) return error;
      return new ApiError(0, "unknown", describeError(error));
    }
  }

  async function remove(force: boolean) {
    if (!toDelete) return;
    const { credential } = toDelete;
    setDeleting(true);
    try {
      await credentialsApi.remove(credential.id, force);
      setState((s) =>
        s.status === "ready" ? { ...s, items: s.items.filter((c) => c.id !== credential.id) } : s,
      );
      toast.success(`Deleted “${credential.name}”`);
      setToDelete(null);
    } catch (error) {
      if (error instanceof ApiError && error.code === "credential_in_use") {
        setToDelete({ credential, inUse: error.details as InUseDetails });
      } else {
        toast.error(`Could not delete “${credential.name}”`, error);
      }
    } finally {
      setDeleting(false);
    }
  }

  const connectedName = ready?.items.find((c) => c.id === search.connected)?.name;
  const failedName = ready?.items.find((c) => c.id === search.credential)?.name;
  const dismissBanner = () => void navigate({ to: "/credentials", search: {} });

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1 className="page-title">Credentials</h1>
          <p className="page-subtitle">
            API keys, tokens and OAuth2 connections for your workflows. Secrets are encrypted and never shown
            again.
          </p>
        </div>
        {ready && !creating && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            New credential
          </button>
        )}
      </div>

      {search.connected && (
        <div className="banner banner-success" role="status">
          <span>Connected{connectedName ? ` “${connectedName}”` : ""}. Its tokens are stored encrypted.</span>
          <button type="button" className="btn btn-ghost btn-sm" onClick={dismissBanner}>
            Dismiss
          </button>
        </div>
      )}
      {search.connectError && (
        <div className="banner banner-error" role="alert">
          <span>
            Could not connect{failedName ? ` “${failedName}”` : ""}:{" "}
            {CONNECT_ERRORS[search.connectError] ?? search.connectError}
          </span>
          <button type="button" className="btn btn-ghost btn-sm" onClick={dismissBanner}>
            Dismiss
          </button>
        </div>
      )}

      {ready && creating && (
        <CredentialForm
          types={ready.types}
          onSubmit={(body) => save(body)}
          onCancel={() => setCreating(false)}
        />
      )}

      {state.status === "loading" && (
        <p className="muted" aria-busy="true">
          Loading credentials…
        </p>
      )}
      {state.status === "error" && (
        <LoadError
          title="Could not load your credentials"
          message={state.message}
          onRetry={() => void load()}
        />
      )}
      {ready && ready.items.length === 0 && !creating && (
        <div className="state">
          <h2 className="state-title">No credentials yet</h2>
          <p>Add an API key or connect an account, then pick it in a node’s settings.</p>
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Add a credential
          </button>
        </div>
      )}
      {ready && ready.items.length > 0 && (
        <ul className="workflow-list" aria-label="Credentials">
          {ready.items.map((credential) =>
            editing === credential.id ? (
              <li key={credential.id} className="credential-edit">
                <CredentialForm
                  types={ready.types}
                  editing={credential}
                  onSubmit={(body) => save(body, credential.id)}
                  onCancel={() => setEditing(null)}
                />
              </li>
            ) : (
              <CredentialRow
                key={credential.id}
                credential={credential}
                typeTitle={titleOf(credential.type)}
                onEdit={() => setEditing(credential.id)}
                onDelete={() => setToDelete({ credential })}
              />
            ),
          )}
        </ul>
      )}

      <ConfirmDialog
        open={toDelete !== null}
        title={toDelete?.inUse ? "Credential in use" : "Delete credential?"}
        confirmLabel={toDelete?.inUse ? "Delete anyway" : "Delete"}
        danger
        busy={deleting}
        onConfirm={() => void remove(!!toDelete?.inUse)}
        onCancel={() => setToDelete(null)}
      >
        {toDelete?.inUse ? (
          <>
            <p>“{toDelete.credential.name}” is used by these workflows:</p>
            <ul className="in-use-list">
              {toDelete.inUse.workflows.map((w) => (
                <li key={w.id}>
                  <Link to="/workflows/$workflowId" params={{ workflowId: w.id }}>
                    {w.name}
                  </Link>
                </li>
              ))}
            </ul>
            <p>
              Deleting it anyway removes it from their nodes; those nodes fail until you pick another
              credential.
            </p>
          </>
        ) : (
          <p>“{toDelete?.credential.name}” will be deleted. This cannot be undone.</p>
        )}
      </ConfirmDialog>
    </div>
  );
}

function CredentialRow(props: {
  credential: Credential;
  typeTitle: string;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const { credential } = props;
  const details = Object.entries(credential.data)
    .filter(([, v]) => typeof v === "string" && v !== "")
    .map(([k, v]) => `${k}: ${v}`)
    .join(" · ");
  return (
    <li className="workflow-row credential-row">
      <div className="workflow-main">
        <span className="workflow-name">{credential.name}</span>
        <span className="workflow-meta">
          <span className="badge">{props.typeTitle}</span>
          {credential.type === "oauth2" && <ConnectionBadge credential={credential} />}
          <span>Updated {formatRelative(credential.updatedAt)}</span>
          {details && <span className="credential-details">{details}</span>}
        </span>
      </div>
      <div className="workflow-actions credential-actions">
        {credential.type === "oauth2" && (
          <a className="btn btn-secondary btn-sm" href={credentialsApi.connectUrl(credential.id)}>
            {credential.connection ? "Reconnect" : "Connect"}
          </a>
        )}
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={props.onEdit}
          aria-label={`Edit ${credential.name}`}
        >
          Edit
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-sm btn-danger-text"
          onClick={props.onDelete}
          aria-label={`Delete ${credential.name}`}
        >
          Delete
        </button>
      </div>
    </li>
  );
}

function ConnectionBadge({ credential }: { credential: Credential }) {
  const connection = credential.connection;
  if (!connection) return <span className="badge badge-warning">Not connected</span>;
  const expires = connection.expiresAt ? ` · token renews ${formatRelative(connection.expiresAt)}` : "";
  return <span className="badge badge-success">Connected{expires}</span>;
}
