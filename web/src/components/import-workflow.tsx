/**
 * "Import from file" on the workflow list: reads a JSON file — our export or an n8n export (told apart by
 * `connections`) — creates the workflow, then shows what the import did (n8n: one line per node) before
 * the person opens it.
 */
import { useNavigate } from "@tanstack/react-router";
import { useRef, useState } from "react";
import { detectImportFormat, workflowsApi, type ImportedWorkflow } from "../api/workflows";
import { ConfirmDialog } from "./confirm-dialog";
import { toast } from "./toaster";

const STATUS_TEXT = { converted: "Converted", approximated: "Approximated", unsupported: "Not converted" };

export function ImportWorkflowButton() {
  const input = useRef<HTMLInputElement>(null);
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [imported, setImported] = useState<ImportedWorkflow | null>(null);

  async function importFile(file: File) {
    let body: unknown;
    try {
      body = JSON.parse(await file.text());
    } catch {
      toast.error(`“${file.name}” is not a JSON file`);
      return;
    }
    setBusy(true);
    try {
      setImported(await workflowsApi.importFile(body, detectImportFormat(body)));
    } catch (error) {
      toast.error(`Could not import “${file.name}”`, error);
    } finally {
      setBusy(false);
    }
  }

  const open = () => {
    if (!imported) return;
    const id = imported.id;
    setImported(null);
    void navigate({ to: "/workflows/$workflowId", params: { workflowId: id } });
  };

  return (
    <>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        hidden
        data-testid="import-file"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = "";
          if (file) void importFile(file);
        }}
      />
      <button
        type="button"
        className="btn btn-secondary"
        disabled={busy}
        onClick={() => input.current?.click()}
      >
        {busy ? "Importing…" : "Import from file"}
      </button>
      <ConfirmDialog
        open={imported !== null}
        title={`Imported “${imported?.name ?? ""}”`}
        confirmLabel="Open workflow"
        onConfirm={open}
        onCancel={() => setImported(null)}
      >
        <ImportReport workflow={imported} />
      </ConfirmDialog>
    </>
  );
}

function ImportReport({ workflow }: { workflow: ImportedWorkflow | null }) {
  if (!workflow) return null;
  const report = workflow.importReport;
  const problems = (report ?? []).filter((r) => r.status !== "converted").length;
  return (
    <div className="import-report" data-testid="import-report">
      <p>
        {workflow.nodes.length} nodes, {workflow.edges.length} connections. The workflow is inactive until you
        activate it.
        {problems > 0 && ` ${problems} node(s) need a look before it runs as it did in n8n.`}
      </p>
      {report && (
        <ul className="import-report-list">
          {report.map((r) => (
            <li key={r.nodeName} className={`import-${r.status}`} data-status={r.status}>
              <strong>{r.nodeName}</strong> · {STATUS_TEXT[r.status]}
              {r.message && <span className="muted"> — {r.message}</span>}
            </li>
          ))}
        </ul>
      )}
      {(workflow.warnings ?? []).map((w) => (
        <p key={w.message} className="muted">
          {w.message}
        </p>
      ))}
    </div>
  );
}
