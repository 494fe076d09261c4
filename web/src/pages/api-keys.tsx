/**
 * `/settings/api-keys`: personal API keys for scripts and CI. Create shows the key exactly once (with a
 * copy button); the list shows names, prefixes and last use, never keys; revoke asks first.
 */
import { useState, type FormEvent } from "react";
import { apiKeysApi, type ApiKey, type CreatedApiKey } from "../api/api-keys";
import { ConfirmDialog } from "../components/confirm-dialog";
import { LoadError, LoadMoreFooter } from "../components/load-states";
import { toast } from "../components/toaster";
import { formatDateTime, formatRelative } from "../lib/format";
import { usePagedList, type FetchPage } from "../lib/use-paged-list";

const fetchKeys: FetchPage<ApiKey> = (cursor, signal) => apiKeysApi.list(cursor, signal);
const MAX_KEY_NAME = 100;

export function ApiKeysPage() {
  const { list, setList, load, loadMore, loadingMore, refresh } = usePagedList(fetchKeys, "API keys");
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [toRevoke, setToRevoke] = useState<ApiKey | null>(null);
  const [revoking, setRevoking] = useState(false);

  async function create(name: string): Promise<boolean> {
    try {
      const key = await apiKeysApi.create(name);
      setCreated(key);
      // The list row (prefix, dates) comes from the server, never from the key held in this page.
      await refresh((k) => k.id);
      return true;
    } catch (error) {
      toast.error("Could not create the API key", error);
      return false;
    }
  }

  async function revoke() {
    if (!toRevoke) return;
    setRevoking(true);
    try {
      await apiKeysApi.revoke(toRevoke.id);
      setList((current) =>
        current.status === "ready"
          ? { ...current, items: current.items.filter((k) => k.id !== toRevoke.id) }
          : current,
      );
      if (created?.id === toRevoke.id) setCreated(null);
      toast.success(`Revoked “${toRevoke.name}”`);
      setToRevoke(null);
    } catch (error) {
      toast.error(`Could not revoke “${toRevoke.name}”`, error);
    } finally {
      setRevoking(false);
    }
  }

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1 className="page-title">API keys</h1>
          <p className="page-subtitle">
            For scripts and CI: send a key as <code>Authorization: Bearer &lt;key&gt;</code>. It acts as you.
          </p>
        </div>
      </div>

      <CreateKeyForm onCreate={create} />
      {created && <NewKey created={created} onDone={() => setCreated(null)} />}

      {list.status === "loading" && <div className="skeleton skeleton-block" aria-busy="true" />}
      {list.status === "error" && (
        <LoadError title="Could not load your API keys" message={list.message} onRetry={() => void load()} />
      )}
      {list.status === "ready" && list.items.length === 0 && (
        <div className="state">
          <h2 className="state-title">No API keys yet</h2>
          <p>Create one above to call the API from a script.</p>
        </div>
      )}
      {list.status === "ready" && list.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table" aria-label="API keys">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Key</th>
                  <th>Created</th>
                  <th>Last used</th>
                  <th>
                    <span className="sr-only">Revoke</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((k) => (
                  <tr key={k.id} data-api-key-id={k.id}>
                    <td className="cell-truncate" title={k.name}>
                      {k.name}
                    </td>
                    <td>
                      <code>{k.prefix}…</code>
                    </td>
                    <td title={formatDateTime(k.createdAt)}>{formatRelative(k.createdAt)}</td>
                    <td title={k.lastUsedAt ? formatDateTime(k.lastUsedAt) : undefined}>
                      {k.lastUsedAt ? formatRelative(k.lastUsedAt) : "Never"}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="btn btn-ghost btn-sm btn-danger-text"
                        aria-label={`Revoke ${k.name}`}
                        onClick={() => setToRevoke(k)}
                      >
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <LoadMoreFooter hasMore={Boolean(list.nextCursor)} loading={loadingMore} onLoadMore={loadMore} />
        </>
      )}

      <ConfirmDialog
        open={toRevoke !== null}
        title="Revoke API key?"
        confirmLabel="Revoke"
        danger
        busy={revoking}
        onConfirm={revoke}
        onCancel={() => setToRevoke(null)}
      >
        <p>
          Scripts using “{toRevoke?.name}” will get 401 from now on. This cannot be undone; you can create a
          new key.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function CreateKeyForm({ onCreate }: { onCreate: (name: string) => Promise<boolean> }) {
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = name.trim();
    const invalid = !trimmed
      ? "Key name cannot be empty or only spaces"
      : trimmed.length > MAX_KEY_NAME
        ? `Key name is ${trimmed.length} characters long; at most ${MAX_KEY_NAME} are allowed`
        : null;
    setProblem(invalid);
    if (invalid) return;
    setBusy(true);
    if (await onCreate(trimmed)) setName("");
    setBusy(false);
  }

  return (
    <form className="card create-form" onSubmit={submit} aria-label="New API key">
      <label className="field field-grow">
        <span className="field-label">Key name</span>
        <input
          className="input"
          value={name}
          placeholder="e.g. Deploy script"
          disabled={busy}
          aria-invalid={problem ? true : undefined}
          onChange={(event) => {
            setName(event.target.value);
            setProblem(null);
          }}
        />
        {problem && (
          <span className="field-error" role="alert">
            {problem}
          </span>
        )}
      </label>
      <div className="create-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Creating…" : "Create key"}
        </button>
      </div>
    </form>
  );
}

function NewKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  async function copy() {
    try {
      await navigator.clipboard.writeText(created.key);
      toast.success("Key copied");
    } catch {
      toast.error("Could not copy: select the key and copy it by hand");
    }
  }
  return (
    <div className="card new-key" role="status" data-testid="new-api-key">
      <p>
        <strong>Copy “{created.name}” now.</strong> This is the only time it is shown; Nodebase keeps only a
        hash of it.
      </p>
      <div className="new-key-row">
        <code className="new-key-value" data-testid="new-api-key-value">
          {created.key}
        </code>
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="btn btn-ghost btn-sm" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
