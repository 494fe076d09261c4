/**
 * The editor's "History" panel: the saved versions (newest first), what restoring one would change
 * against the document being edited (nodes added back, removed, changed; connections), and Restore with a
 * confirmation. Restoring saves a new version on the server; the editor then loads it.
 */
import { useCallback, useEffect, useState } from "react";
import type { VersionSummary, Workflow, WorkflowDocument } from "../api/types";
import { workflowsApi } from "../api/workflows";
import { ConfirmDialog } from "../components/confirm-dialog";
import { LoadError, LoadMoreFooter } from "../components/load-states";
import { describeError, toast } from "../components/toaster";
import { formatDateTime, formatRelative } from "../lib/format";
import { usePagedList, type FetchPage } from "../lib/use-paged-list";
import { diffVersion, isEmptyDiff, type VersionDiff } from "./version-diff";

interface HistoryPanelProps {
  workflowId: string;
  /**
   * The document as edited now (unsaved changes included): what a version is compared with. Keep its
   * identity stable between edits (the history's present entry), since a new object compares again.
   */
  current: WorkflowDocument;
  /** The version the editor was loaded from or last saved; refreshes the list when it changes. */
  savedVersion: number;
  dirty: boolean;
  onRestored: (workflow: Workflow) => void;
  onClose: () => void;
}

type Selected =
  | { version: number; status: "loading" }
  | { version: number; status: "ready"; diff: VersionDiff }
  | { version: number; status: "error"; message: string };

export function HistoryPanel(props: HistoryPanelProps) {
  const { workflowId, savedVersion } = props;
  const fetchVersions = useCallback<FetchPage<VersionSummary>>(
    (cursor, signal) => workflowsApi.versions(workflowId, cursor, signal),
    [workflowId, savedVersion], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const { list, load, loadMore, loadingMore } = usePagedList(fetchVersions, "versions");
  const [selected, setSelected] = useState<Selected | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [restoring, setRestoring] = useState(false);
  const { current } = props;

  // Fetches the chosen version, and compares again whenever the edited document changes.
  const selectedVersion = selected?.version;
  useEffect(() => {
    if (selectedVersion === undefined) return;
    const controller = new AbortController();
    workflowsApi
      .version(workflowId, selectedVersion, controller.signal)
      .then((doc) =>
        setSelected({ version: selectedVersion, status: "ready", diff: diffVersion(current, doc) }),
      )
      .catch((error: unknown) => {
        if (!controller.signal.aborted)
          setSelected({ version: selectedVersion, status: "error", message: describeError(error) });
      });
    return () => controller.abort();
  }, [workflowId, selectedVersion, current]);

  async function restore() {
    if (!selected) return;
    setRestoring(true);
    try {
      const restored = await workflowsApi.restoreVersion(workflowId, selected.version);
      toast.success(`Restored version ${selected.version} as version ${restored.version}`);
      setConfirming(false);
      setSelected(null);
      props.onRestored(restored);
    } catch (error) {
      toast.error(`Could not restore version ${selected.version}`, error);
    } finally {
      setRestoring(false);
    }
  }

  return (
    <aside className="config-panel history-panel" aria-label="Version history" data-testid="history-panel">
      <div className="config-head">
        <div>
          <h2 className="config-title">History</h2>
          <p className="muted">Every save is a version. Restoring one saves it as a new version.</p>
        </div>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={props.onClose}
          aria-label="Close history"
        >
          ×
        </button>
      </div>
      <div className="config-body">
        {list.status === "loading" && <div className="skeleton skeleton-block" aria-busy="true" />}
        {list.status === "error" && (
          <LoadError title="Could not load the history" message={list.message} onRetry={() => void load()} />
        )}
        {list.status === "ready" && (
          <ol className="version-list">
            {list.items.map((v) => (
              <li key={v.version}>
                <button
                  type="button"
                  className={`version-item${selected?.version === v.version ? " is-on" : ""}`}
                  aria-pressed={selected?.version === v.version}
                  data-version={v.version}
                  onClick={() => setSelected({ version: v.version, status: "loading" })}
                >
                  <strong>Version {v.version}</strong>
                  {v.current && <span className="badge">current</span>}
                  <span className="muted" title={formatDateTime(v.createdAt)}>
                    {formatRelative(v.createdAt)} · {v.nodeCount} nodes
                  </span>
                </button>
                {selected?.version === v.version && (
                  <VersionDetail
                    selected={selected}
                    dirty={props.dirty}
                    onRestore={() => setConfirming(true)}
                  />
                )}
              </li>
            ))}
          </ol>
        )}
        {list.status === "ready" && (
          <LoadMoreFooter hasMore={Boolean(list.nextCursor)} loading={loadingMore} onLoadMore={loadMore} />
        )}
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Restore version ${selected?.version ?? ""}?`}
        confirmLabel="Restore"
        busy={restoring}
        onConfirm={() => void restore()}
        onCancel={() => setConfirming(false)}
      >
        <p>
          Its nodes, connections and settings are saved as a new version; webhook URLs stay the same. You can
          restore the current version again from this list.
          {props.dirty && " Your unsaved changes will be lost."}
        </p>
      </ConfirmDialog>
    </aside>
  );
}

function VersionDetail({
  selected,
  dirty,
  onRestore,
}: {
  selected: Selected;
  dirty: boolean;
  onRestore: () => void;
}) {
  if (selected.status === "loading") return <p className="muted">Comparing…</p>;
  if (selected.status === "error") return <p className="form-error">{selected.message}</p>;
  const { diff } = selected;
  const empty = isEmptyDiff(diff);
  return (
    <div className="version-diff" data-testid="version-diff">
      <p className="muted">
        Restoring it would, compared with {dirty ? "your unsaved edit" : "the current version"}:
      </p>
      {empty && !diff.renamedFrom && <p>change nothing in the graph.</p>}
      <ul>
        {diff.added.map((n) => (
          <li key={`a${n.id}`} className="diff-added">
            add back <strong>{n.name}</strong> <span className="muted">({n.type})</span>
          </li>
        ))}
        {diff.removed.map((n) => (
          <li key={`r${n.id}`} className="diff-removed">
            remove <strong>{n.name}</strong> <span className="muted">({n.type})</span>
          </li>
        ))}
        {diff.changed.map((c) => (
          <li key={`c${c.id}`} className="diff-changed">
            change <strong>{c.name}</strong>: {c.fields.join(", ")}
          </li>
        ))}
        {diff.connected.map((e) => (
          <li key={`+${e}`} className="diff-added">
            connect {e}
          </li>
        ))}
        {diff.disconnected.map((e) => (
          <li key={`-${e}`} className="diff-removed">
            disconnect {e}
          </li>
        ))}
      </ul>
      {diff.renamedFrom && (
        <p className="muted">It was named “{diff.renamedFrom}” (the name stays as it is).</p>
      )}
      <button type="button" className="btn btn-secondary btn-sm" onClick={onRestore}>
        Restore version {selected.version}
      </button>
    </div>
  );
}
