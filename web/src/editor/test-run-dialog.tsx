/**
 * "Run with sample data" / "Run with input": a manual run that starts at one chosen trigger with a JSON
 * payload as that trigger's output (`POST /api/workflows/:id/run?trigger=<nodeId>`). The payload starts as
 * the trigger's pinned data, else what it output in the latest run, else the sample its node type gives
 * (shaped like the real output); the person may switch between these and edit it before running. A
 * payload of the wrong shape comes back as a 422 whose field messages are shown here.
 */
import { useCallback, useEffect, useId, useMemo, useState, type RefObject } from "react";
import { ApiError } from "../api/client";
import { executionsApi } from "../api/executions";
import type { NodeTypeInfo } from "../api/node-types";
import type { ExecutionStep } from "../api/executions";
import { toast } from "../components/toaster";
import { Modal } from "./dialogs";
import { isDirty, type EditorState } from "./editor-state";

/** A trigger node the dialog can start a run at, with the payloads on offer. */
export interface RunTrigger {
  id: string;
  name: string;
  /** The node type's title ("Webhook", "Stripe"). */
  title: string;
  manual: boolean;
  sample: unknown;
  /** Its output in the latest run the editor shows, if it ran there. */
  lastOutput: unknown;
  /** Its pinned data, if pinned. */
  pinned: unknown;
}

type Source = "pinned" | "last" | "sample";
const SOURCE_LABELS: Record<Source, string> = {
  pinned: "Pinned data",
  last: "Last run's data",
  sample: "Sample data",
};

function payloadOf(trigger: RunTrigger, source: Source): unknown {
  if (source === "pinned") return trigger.pinned;
  if (source === "last") return trigger.lastOutput;
  return trigger.sample ?? {};
}

function available(trigger: RunTrigger): Source[] {
  const sources: Source[] = [];
  if (trigger.pinned !== undefined) sources.push("pinned");
  if (trigger.lastOutput !== undefined) sources.push("last");
  sources.push("sample");
  return sources;
}

/** The messages of a refused run: one per field for a 422 with details, else the error's own. */
export function runProblems(error: unknown): string[] {
  if (error instanceof ApiError && Array.isArray(error.details)) {
    const messages = error.details
      .map((d) => (d && typeof d === "object" ? (d as { message?: unknown }).message : undefined))
      .filter((m): m is string => typeof m === "string");
    if (messages.length > 0) return messages;
  }
  return [error instanceof Error ? error.message : String(error)];
}

export function TestRunDialog({
  open,
  triggers,
  initialTriggerId,
  onClose,
  onRun,
}: {
  open: boolean;
  triggers: RunTrigger[];
  initialTriggerId: string | null;
  onClose: () => void;
  /** Starts the run; resolves to null when it started, else the error to show. */
  onRun: (trigger: RunTrigger, payload: unknown) => Promise<unknown>;
}) {
  const selectId = useId();
  const [triggerId, setTriggerId] = useState<string | null>(null);
  const [source, setSource] = useState<Source>("sample");
  const [text, setText] = useState("");
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const trigger = triggers.find((t) => t.id === triggerId) ?? null;

  const choose = (next: RunTrigger | undefined, wanted?: Source) => {
    if (!next) return;
    const from = wanted ?? available(next)[0];
    setTriggerId(next.id);
    setSource(from);
    setText(JSON.stringify(payloadOf(next, from), null, 2));
    setProblems([]);
  };

  // Each opening starts afresh from the trigger asked for (or the first).
  useEffect(() => {
    if (open) choose(triggers.find((t) => t.id === initialTriggerId) ?? triggers[0]);
    // Only on opening: later changes of the list (a run finishing) must not overwrite typed text.
  }, [open, initialTriggerId]);

  const title = trigger?.manual ? "Run with input" : "Run with sample data";

  async function submit() {
    if (!trigger) return;
    let payload: unknown;
    try {
      payload = text.trim() ? JSON.parse(text) : {};
    } catch (err) {
      setProblems([`Not valid JSON: ${(err as Error).message}`]);
      return;
    }
    setBusy(true);
    const error = await onRun(trigger, payload);
    setBusy(false);
    setProblems(error == null ? [] : runProblems(error));
  }

  return (
    <Modal open={open} title={title} onClose={onClose}>
      {triggers.length === 0 ? (
        <>
          <p>This workflow has no trigger yet: add one (a Manual trigger, a Webhook, …) to run it.</p>
          <div className="dialog-actions">
            <button type="button" className="btn btn-primary" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      ) : (
        <form
          className="form test-run-form"
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          {triggers.length > 1 && (
            <div className="field">
              <label className="field-label" htmlFor={selectId}>
                Start at
              </label>
              <select
                id={selectId}
                className="input input-sm"
                value={triggerId ?? ""}
                onChange={(event) => choose(triggers.find((t) => t.id === event.target.value))}
              >
                {triggers.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} ({t.title})
                  </option>
                ))}
              </select>
            </div>
          )}
          {trigger && (
            <div className="segmented" role="group" aria-label="Payload">
              {available(trigger).map((s) => (
                <button
                  key={s}
                  type="button"
                  className={`btn btn-ghost btn-sm${source === s ? " is-on" : ""}`}
                  aria-pressed={source === s}
                  onClick={() => choose(trigger, s)}
                >
                  {SOURCE_LABELS[s]}
                </button>
              ))}
            </div>
          )}
          <label className="field">
            <span className="field-label">
              {trigger?.manual
                ? "Input (JSON): the manual trigger's output and $trigger"
                : `Payload (JSON): what “${trigger?.name}” outputs, as $json of the next node and $trigger`}
            </span>
            <textarea
              className="input textarea mono"
              rows={14}
              value={text}
              spellCheck={false}
              onChange={(event) => setText(event.target.value)}
              aria-invalid={problems.length > 0 || undefined}
              autoFocus
            />
          </label>
          <p className="field-hint">
            {trigger?.pinned !== undefined
              ? "This trigger is pinned: the run uses its pinned data as its output."
              : trigger?.manual
                ? "Runs the saved workflow from this trigger."
                : "A test run of the saved workflow from this trigger: no signature or secret is checked, and only this trigger's branch runs."}
          </p>
          {problems.length > 0 && (
            <div className="form-error" role="alert">
              {problems.map((p) => (
                <div key={p}>{p}</div>
              ))}
            </div>
          )}
          <div className="dialog-actions">
            <button type="button" className="btn btn-secondary" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              Run
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}

/**
 * Starting runs from the editor: the Run button runs the manual trigger at once; without one (a webhook,
 * Stripe, schedule… workflow), and from "…" or a trigger's "Run with sample data", the dialog asks which
 * trigger and which payload first. Unsaved edits are saved before any run.
 */
export function useTestRun(opts: {
  workflowId: string;
  stateRef: RefObject<EditorState>;
  typeMap: Map<string, NodeTypeInfo>;
  steps: Map<string, ExecutionStep>;
  save: () => Promise<boolean>;
  follow: (executionId: string) => void;
}) {
  const { workflowId, stateRef, typeMap, steps, save, follow } = opts;
  const [dialog, setDialog] = useState<{ triggerId: string | null } | null>(null);

  const start = useCallback(
    async (payload: unknown, triggerId?: string): Promise<unknown> => {
      if (isDirty(stateRef.current) && !(await save())) {
        return new Error(
          "The workflow could not be saved, so it was not run: see the problems on the nodes.",
        );
      }
      try {
        const { executionId } = await executionsApi.run(workflowId, payload, triggerId);
        follow(executionId);
        setDialog(null);
        return null;
      } catch (error) {
        return error;
      }
    },
    [workflowId, stateRef, save, follow],
  );

  const run = useCallback(async () => {
    const hasManual = stateRef.current.nodes.some((n) => typeMap.get(n.data.node.type)?.trigger === "manual");
    if (!hasManual) {
      setDialog({ triggerId: null });
      return;
    }
    const error = await start({});
    if (error) toast.error("Could not start the run", error);
  }, [stateRef, typeMap, start]);

  const state = stateRef.current;
  const triggers: RunTrigger[] = useMemo(
    () =>
      state.nodes.flatMap((n) => {
        const info = typeMap.get(n.data.node.type);
        if (!info?.trigger) return [];
        const step = steps.get(n.id);
        return [
          {
            id: n.id,
            name: n.data.node.name,
            title: info.title,
            manual: info.trigger === "manual",
            sample: info.samplePayload,
            lastOutput: step?.status === "success" ? step.output : undefined,
            pinned: state.pinData[n.id],
          },
        ];
      }),
    [state.nodes, state.pinData, typeMap, steps],
  );

  const element = (
    <TestRunDialog
      open={dialog !== null}
      triggers={triggers}
      initialTriggerId={dialog?.triggerId ?? null}
      onClose={() => setDialog(null)}
      onRun={(trigger, payload) => start(payload, trigger.id)}
    />
  );
  return { run, openDialog: (triggerId: string | null) => setDialog({ triggerId }), element };
}
