/**
 * `/workflows`: the person's workflows, newest first, with create, rename, duplicate, open and delete,
 * a search box and tag chips (both in the URL: `?search=&tag=`).
 */
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useCallback, useRef, useState, type FormEvent } from "react";
import type { WorkflowSummary } from "../api/types";
import { newWorkflowDocument, workflowsApi } from "../api/workflows";
import { ConfirmDialog } from "../components/confirm-dialog";
import { toast } from "../components/toaster";
import { WorkflowRow } from "../components/workflow-row";
import { usePagedList, type FetchPage } from "../lib/use-paged-list";
import { LoadError, LoadMoreFooter } from "../components/load-states";
import { ListFilters } from "../components/list-filters";
import { ImportWorkflowButton } from "../components/import-workflow";
import { nameProblem } from "../lib/names";

export function WorkflowsListPage() {
  const filter = useSearch({ from: "/app/workflows" });
  const navigate = useNavigate({ from: "/workflows" });
  const fetchWorkflows = useCallback<FetchPage<WorkflowSummary>>(
    (cursor, signal) => workflowsApi.list(cursor, signal, filter),
    [filter.search, filter.tag], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const { list, setList, load, loadMore, loadingMore } = usePagedList(fetchWorkflows, "workflows");
  const filtered = Boolean(filter.search || filter.tag);
  const setFilter = (patch: Partial<typeof filter>) =>
    void navigate({ search: (prev) => ({ ...prev, ...patch }), replace: true });
  const [creating, setCreating] = useState(false);
  const [toDelete, setToDelete] = useState<WorkflowSummary | null>(null);
  const [deleting, setDeleting] = useState(false);

  const upsert = (workflow: WorkflowSummary) =>
    setList((current) => {
      if (current.status !== "ready") return current;
      const rest = current.items.filter((w) => w.id !== workflow.id);
      return { ...current, items: [summaryOf(workflow), ...rest] };
    });

  async function create(name: string): Promise<boolean> {
    try {
      const created = await workflowsApi.create(newWorkflowDocument(name));
      upsert(created);
      toast.success(`Created “${created.name}”`);
      // Straight into the editor, where the person picks the trigger.
      void navigate({ to: "/workflows/$workflowId", params: { workflowId: created.id } });
      return true;
    } catch (error) {
      toast.error("Could not create the workflow", error);
      return false;
    }
  }

  async function rename(workflow: WorkflowSummary, name: string): Promise<boolean> {
    try {
      upsert(await workflowsApi.rename(workflow.id, name));
      toast.success(`Renamed to “${name}”`);
      return true;
    } catch (error) {
      toast.error(`Could not rename “${workflow.name}”`, error);
      return false;
    }
  }

  async function duplicate(workflow: WorkflowSummary) {
    try {
      const copy = await workflowsApi.duplicate(workflow.id);
      upsert(copy);
      toast.success(`Created “${copy.name}”`);
    } catch (error) {
      toast.error(`Could not duplicate “${workflow.name}”`, error);
    }
  }

  async function confirmDelete() {
    if (!toDelete) return;
    setDeleting(true);
    try {
      await workflowsApi.remove(toDelete.id);
      setList((current) =>
        current.status === "ready"
          ? { ...current, items: current.items.filter((w) => w.id !== toDelete.id) }
          : current,
      );
      toast.success(`Deleted “${toDelete.name}”`);
      setToDelete(null);
    } catch (error) {
      toast.error(`Could not delete “${toDelete.name}”`, error);
    } finally {
      setDeleting(false);
    }
  }

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1 className="page-title">Workflows</h1>
          <p className="page-subtitle">Triggers and steps that run on their own, durably.</p>
        </div>
        <div className="page-actions">
          <ImportWorkflowButton />
          {!creating && (
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              New workflow
            </button>
          )}
        </div>
      </div>

      {creating && <CreateWorkflowForm onCreate={create} onClose={() => setCreating(false)} />}

      <ListFilters
        search={filter.search ?? ""}
        tag={filter.tag}
        tags={list.status === "ready" ? list.items.flatMap((w) => w.tags ?? []) : []}
        onSearch={(search) => setFilter({ search: search || undefined })}
        onTag={(tag) => setFilter({ tag })}
      />

      {list.status === "loading" && <ListSkeleton />}
      {list.status === "error" && (
        <LoadError title="Could not load your workflows" message={list.message} onRetry={() => void load()} />
      )}
      {list.status === "ready" && list.items.length === 0 && filtered && (
        <div className="state" data-testid="no-matches">
          <h2 className="state-title">No matching workflows</h2>
          <p>
            Nothing matches {filter.search ? `“${filter.search}”` : ""}
            {filter.tag ? ` tagged “${filter.tag}”` : ""}.
          </p>
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => setFilter({ search: undefined, tag: undefined })}
          >
            Clear filters
          </button>
        </div>
      )}
      {list.status === "ready" && list.items.length === 0 && !creating && !filtered && (
        <div className="state">
          <h2 className="state-title">No workflows yet</h2>
          <p>Create your first workflow: start with a trigger, then add the steps it should run.</p>
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Create a workflow
          </button>
        </div>
      )}
      {list.status === "ready" && list.items.length > 0 && (
        <>
          <ul className="workflow-list" aria-label="Workflows">
            {list.items.map((workflow) => (
              <WorkflowRow
                key={workflow.id}
                workflow={workflow}
                onRename={rename}
                onDuplicate={duplicate}
                onDelete={setToDelete}
                onTag={(tag) => setFilter({ tag })}
              />
            ))}
          </ul>
          <LoadMoreFooter hasMore={Boolean(list.nextCursor)} loading={loadingMore} onLoadMore={loadMore} />
        </>
      )}

      <ConfirmDialog
        open={toDelete !== null}
        title="Delete workflow?"
        confirmLabel="Delete"
        danger
        busy={deleting}
        onConfirm={confirmDelete}
        onCancel={() => setToDelete(null)}
      >
        <p>
          “{toDelete?.name}” and its execution history will be deleted. Its webhooks stop answering. This
          cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function CreateWorkflowForm({
  onCreate,
  onClose,
}: {
  onCreate: (name: string) => Promise<boolean>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const typed = inputRef.current?.value ?? "";
    const invalid = nameProblem(typed, "Workflow name");
    setProblem(invalid);
    if (invalid) return inputRef.current?.focus();
    const name = typed.trim();
    setBusy(true);
    const ok = await onCreate(name);
    setBusy(false);
    if (ok) onClose();
    else inputRef.current?.focus();
  }

  return (
    <form className="card create-form" onSubmit={submit} aria-label="New workflow">
      <label className="field field-grow">
        <span className="field-label">Workflow name</span>
        <input
          ref={inputRef}
          className="input"
          name="name"
          placeholder="e.g. Notify Slack on new Stripe payment"
          autoFocus
          disabled={busy}
          aria-invalid={problem ? true : undefined}
          onChange={() => problem && setProblem(null)}
          onKeyDown={(event) => {
            if (event.key === "Escape") onClose();
          }}
        />
        {problem && (
          <span className="field-error" role="alert">
            {problem}
          </span>
        )}
      </label>
      <div className="create-actions">
        <button type="button" className="btn btn-ghost" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Creating…" : "Create"}
        </button>
      </div>
    </form>
  );
}

function ListSkeleton() {
  return (
    <ul className="workflow-list" aria-busy="true" aria-label="Loading workflows">
      {[0, 1, 2].map((i) => (
        <li key={i} className="workflow-row skeleton-row">
          <div className="skeleton skeleton-title" />
          <div className="skeleton skeleton-meta" />
        </li>
      ))}
    </ul>
  );
}

function summaryOf(w: WorkflowSummary): WorkflowSummary {
  return {
    id: w.id,
    name: w.name,
    active: w.active,
    version: w.version,
    tags: w.tags ?? [],
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}
