/**
 * A select of the signed-in user's workflows, for fields that name one: the workflow settings' error
 * workflow and executeWorkflow's `workflowId` (a parameter whose JSON Schema has `format: "workflow-id"`).
 * The server checks the choice at save (same owner, the right trigger) and says so if it does not fit.
 */
import { useEffect, useState } from "react";
import { workflowsApi } from "../api/workflows";
import type { WorkflowSummary } from "../api/types";

/** The JSON Schema `format` that asks the form for this picker (set by the Worker's node schemas). */
export const WORKFLOW_ID_FORMAT = "workflow-id";

/** Enough pages for any realistic account; the picker is a convenience, the id may also be typed via the API. */
const MAX_PAGES = 10;

function useWorkflowOptions(): WorkflowSummary[] | null {
  const [items, setItems] = useState<WorkflowSummary[] | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      const all: WorkflowSummary[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await workflowsApi.list(cursor, controller.signal);
        all.push(...result.items);
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      all.sort((a, b) => a.name.localeCompare(b.name));
      setItems(all);
    })().catch(() => {
      if (!controller.signal.aborted) setItems([]);
    });
    return () => controller.abort();
  }, []);
  return items;
}

export function WorkflowPicker(props: {
  id?: string;
  value: string | null | undefined;
  onChange: (workflowId: string | undefined) => void;
  /** Not offered (a workflow cannot be its own error workflow). */
  excludeId?: string;
  label?: string;
  invalid?: boolean;
  describedBy?: string;
}) {
  const options = useWorkflowOptions();
  const known = options?.some((w) => w.id === props.value);
  return (
    <select
      id={props.id}
      className="input input-sm"
      aria-label={props.label}
      value={props.value ?? ""}
      aria-invalid={props.invalid || undefined}
      aria-describedby={props.describedBy}
      data-testid="workflow-picker"
      onChange={(event) => props.onChange(event.target.value || undefined)}
    >
      <option value="">{options ? "— none —" : "Loading workflows…"}</option>
      {props.value && options && !known && (
        <option value={props.value}>Unknown workflow ({props.value})</option>
      )}
      {(options ?? [])
        .filter((w) => w.id !== props.excludeId)
        .map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
    </select>
  );
}
