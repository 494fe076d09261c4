/**
 * The panel of the selected node, n8n's node view: input | parameters | output. Parameters are the name,
 * webhook URLs, the form generated from the node type's JSON Schema, credential, retry and error
 * settings and server problems; input and output are the latest run's step record (JSON, table or raw).
 * Dragged wide (or with "Expand"), the three sit side by side; narrow, they are three tabs.
 */
import { nameProblem } from "../lib/names";
import { useId, useMemo, useState } from "react";
import type { ExecutionStep } from "../api/executions";
import { acceptedCredentialTypes, hasWebhookUrl, type NodeTypeInfo } from "../api/node-types";
import type { WorkflowNode } from "../api/types";
import { toast } from "../components/toaster";
import { CredentialPicker } from "./credential-picker";
import { useNodeOverlay } from "./node-overlay";
import { NodeData } from "./node-data";
import { ExpressionPreviewContext } from "./expression-input";
import type { ExpressionScope } from "./expression-preview";
import { SchemaForm } from "./schema-form";
import { usePanelWidth } from "./panel-width";
import { ListenForTestEvent } from "./listen-for-test-event";
import type { PinProps } from "./pin-data";

export interface NodeProblem {
  field?: string;
  message: string;
}

interface ConfigPanelProps {
  node: WorkflowNode;
  info: NodeTypeInfo | undefined;
  upstreamNames: string[];
  takenNames: Set<string>;
  problems: NodeProblem[];
  step: ExecutionStep | null;
  /** The execution the editor follows now (for "Listen for test event"). */
  latestExecutionId: string | null;
  /** No unsaved changes (the test URL runs the saved draft). */
  saved: boolean;
  /** What this node's expressions are previewed against (its latest recorded input), if any. */
  previewScope: ExpressionScope | null;
  /** Triggers: opens "Run with sample data" on this node. */
  onTestRun: () => void;
  onPatch: (patch: Partial<WorkflowNode>, mergeKey?: string) => void;
  /** The node's pinned data (undefined: not pinned) and the action that sets or clears it. */
  pin: PinProps;
  /** "Run to here": a manual run of the trigger and the nodes on the way to this node. */
  onRunToHere?: () => void;
  onClose: () => void;
}

const DEFAULT_RETRY = { maxAttempts: 3, backoff: "exponential" as const, delayMs: 1000 };

export function ConfigPanel(props: ConfigPanelProps) {
  const { node, info, onPatch } = props;
  const nameId = useId();
  const errors: Record<string, string> = {};
  const loose: string[] = [];
  for (const p of props.problems) {
    if (p.field && !(p.field in errors)) errors[p.field] = p.message;
    else loose.push(p.message);
  }
  const nameTaken = props.takenNames.has(node.name.trim());
  const nameError = nameProblem(node.name, "Node name");
  const credentialTypes = acceptedCredentialTypes(info);
  const run = useNodeOverlay(node.id)?.run;

  const setParameter = (path: string[], value: unknown) => {
    const [, name] = path; // path is ["parameters", name]
    const parameters = { ...node.parameters };
    if (value === undefined) delete parameters[name];
    else parameters[name] = value;
    onPatch({ parameters }, `${node.id}:${path.join(".")}`);
  };

  const preview = useMemo(
    () => ({ scope: props.previewScope, nodeName: node.name }),
    [props.previewScope, node.name],
  );
  const panel = usePanelWidth();
  const [tab, setTab] = useState<DataTab>("parameters");
  const loop = { executionId: props.latestExecutionId, nodeId: node.id };
  const input = <NodeData kind="input" step={props.step} run={run} loop={loop} />;
  const output = (
    <NodeData
      kind="output"
      step={props.step}
      run={run}
      loop={loop}
      pin={{ ...props.pin, runToHere: props.onRunToHere }}
    />
  );

  const parametersBody = (
    <>
      {!info && (
        <div className="form-error" role="alert">
          The server does not know node type “{node.type}”. Delete this node or paste a known type.
        </div>
      )}
      {loose.length > 0 && (
        <div className="form-error" role="alert">
          {loose.map((m) => (
            <div key={m}>{m}</div>
          ))}
        </div>
      )}

      <div className="schema-field">
        <label className="field-label" htmlFor={nameId}>
          Node name
        </label>
        <input
          id={nameId}
          className="input input-sm"
          value={node.name}
          aria-invalid={nameTaken || Boolean(nameError) || Boolean(errors.name) || undefined}
          onChange={(event) => onPatch({ name: event.target.value }, `${node.id}:name`)}
        />
        {nameTaken && (
          <span className="field-error" role="alert">
            Another node is called “{node.name.trim()}”: names must be unique.
          </span>
        )}
        {nameError && (
          <span className="field-error" role="alert">
            {nameError}
          </span>
        )}
        {errors.name && !nameError && <span className="field-error">{errors.name}</span>}
      </div>

      {info?.trigger && (
        <section className="config-section test-trigger" aria-label="Test this trigger">
          <h3 className="config-section-title">Test this trigger</h3>
          <button type="button" className="btn btn-secondary btn-sm" onClick={props.onTestRun}>
            {info.trigger === "manual" ? "Test with input…" : "Run with sample data…"}
          </button>
          <p className="field-hint">
            {info.trigger === "manual"
              ? "Start a run from here with a JSON input you choose."
              : "Start a run from here with data shaped like this trigger's real output (edit it first if you like)."}
          </p>
        </section>
      )}

      {hasWebhookUrl(info) && (
        <WebhookUrls
          webhookId={node.webhookId}
          latestExecutionId={props.latestExecutionId}
          saved={props.saved}
        />
      )}

      <section className="config-section" aria-label="Parameters">
        <h3 className="config-section-title">Parameters</h3>
        {info && (
          <ExpressionPreviewContext.Provider value={preview}>
            <SchemaForm
              schema={info.parameters}
              value={node.parameters ?? {}}
              context={{ upstreamNames: props.upstreamNames, errors, onChange: setParameter }}
            />
          </ExpressionPreviewContext.Provider>
        )}
        {credentialTypes.length > 0 && (
          <CredentialPicker
            types={credentialTypes}
            required={Boolean(info?.credentialRequired)}
            value={node.credentialId}
            error={errors.credentialId}
            onChange={(credentialId) => onPatch({ credentialId })}
          />
        )}
      </section>

      {!info?.trigger && <SettingsSection node={node} errors={errors} onPatch={onPatch} />}
    </>
  );

  return (
    <aside
      className={`config-panel${panel.wide ? " is-wide" : ""}`}
      style={{ width: panel.width }}
      aria-label={`Configure ${node.name}`}
      data-testid="config-panel"
    >
      <div
        className="config-resize"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the node panel"
        aria-valuenow={panel.width}
        tabIndex={0}
        onPointerDown={panel.onResizeStart}
        onKeyDown={panel.onResizeKey}
        title="Drag to resize (or use the arrow keys)"
      />
      <div className="config-head">
        <div>
          <h2 className="config-title">{node.name}</h2>
          <p className="muted">
            {info?.title ?? node.type}
            {info?.description ? ` · ${info.description}` : ""}
          </p>
        </div>
        <div className="config-head-actions">
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={panel.toggleWide}
            aria-pressed={panel.wide}
            title={panel.wide ? "Back to the narrow panel" : "Input, parameters and output side by side"}
          >
            {panel.wide ? "Narrow" : "Expand"}
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={props.onClose}
            aria-label="Close panel"
          >
            ×
          </button>
        </div>
      </div>

      {panel.wide ? (
        <div className="config-columns">
          <div className="config-column">{input}</div>
          <div className="config-body config-column">{parametersBody}</div>
          <div className="config-column">{output}</div>
        </div>
      ) : (
        <>
          <DataTabs tab={tab} onTab={setTab} />
          <div className="config-body" role="tabpanel" aria-label={TAB_LABELS[tab]}>
            {tab === "parameters" ? parametersBody : tab === "input" ? input : output}
          </div>
        </>
      )}
    </aside>
  );
}

type DataTab = "parameters" | "input" | "output";
const TAB_LABELS: Record<DataTab, string> = { parameters: "Parameters", input: "Input", output: "Output" };

function DataTabs({ tab, onTab }: { tab: DataTab; onTab: (tab: DataTab) => void }) {
  return (
    <div className="config-tabs" role="tablist" aria-label="Node panel">
      {(Object.keys(TAB_LABELS) as DataTab[]).map((t) => (
        <button
          key={t}
          type="button"
          role="tab"
          aria-selected={tab === t}
          className={`config-tab${tab === t ? " is-on" : ""}`}
          onClick={() => onTab(t)}
        >
          {TAB_LABELS[t]}
        </button>
      ))}
    </div>
  );
}

function WebhookUrls({
  webhookId,
  latestExecutionId,
  saved,
}: {
  webhookId: string | null | undefined;
  latestExecutionId: string | null;
  saved: boolean;
}) {
  if (!webhookId) {
    return (
      <section className="config-section webhook-urls" aria-label="Webhook URLs">
        <h3 className="config-section-title">Webhook URLs</h3>
        <p className="field-hint">Save the workflow to get this node's test and production URLs.</p>
      </section>
    );
  }
  const urls = [
    { label: "Test URL (runs the saved draft)", url: `${location.origin}/webhooks-test/${webhookId}` },
    { label: "Production URL (runs when active)", url: `${location.origin}/webhooks/${webhookId}` },
  ];
  return (
    <section className="config-section webhook-urls" aria-label="Webhook URLs">
      <h3 className="config-section-title">Webhook URLs</h3>
      {urls.map(({ label, url }) => (
        <div className="webhook-url" key={url}>
          <span className="field-hint">{label}</span>
          <div className="webhook-url-row">
            <code className="webhook-url-text">{url}</code>
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              aria-label={`Copy ${label}`}
              onClick={() =>
                navigator.clipboard
                  .writeText(url)
                  .then(() => toast.success("URL copied"))
                  .catch((error: unknown) => toast.error("Could not copy", error))
              }
            >
              Copy
            </button>
          </div>
        </div>
      ))}
      <ListenForTestEvent testUrl={urls[0].url} latestExecutionId={latestExecutionId} saved={saved} />
    </section>
  );
}

function SettingsSection({
  node,
  errors,
  onPatch,
}: {
  node: WorkflowNode;
  errors: Record<string, string>;
  onPatch: ConfigPanelProps["onPatch"];
}) {
  const retry = node.retry ?? null;
  const id = useId();
  return (
    <section className="config-section" aria-label="Settings">
      <h3 className="config-section-title">Settings</h3>
      <div className="schema-field is-inline">
        <input
          id={`${id}-retry`}
          type="checkbox"
          className="checkbox"
          checked={retry !== null}
          onChange={(event) => onPatch({ retry: event.target.checked ? DEFAULT_RETRY : null })}
        />
        <label className="field-label" htmlFor={`${id}-retry`}>
          Retry on failure
        </label>
      </div>
      {retry && (
        <div className="settings-grid">
          <label className="field">
            <span className="field-hint">Attempts (1-10)</span>
            <input
              className="input input-sm"
              type="number"
              min={1}
              max={10}
              value={retry.maxAttempts}
              onChange={(e) =>
                onPatch({ retry: { ...retry, maxAttempts: Number(e.target.value) } }, `${node.id}:retry`)
              }
            />
          </label>
          <label className="field">
            <span className="field-hint">Backoff</span>
            <select
              className="input input-sm"
              value={retry.backoff}
              onChange={(e) =>
                onPatch({ retry: { ...retry, backoff: e.target.value as "exponential" | "constant" } })
              }
            >
              <option value="exponential">exponential</option>
              <option value="constant">constant</option>
            </select>
          </label>
          <label className="field">
            <span className="field-hint">First delay (ms)</span>
            <input
              className="input input-sm"
              type="number"
              min={0}
              value={retry.delayMs}
              onChange={(e) =>
                onPatch({ retry: { ...retry, delayMs: Number(e.target.value) } }, `${node.id}:retry`)
              }
            />
          </label>
        </div>
      )}
      {Object.entries(errors)
        .filter(([field]) => field.startsWith("retry"))
        .map(([field, message]) => (
          <span key={field} className="field-error">
            {message}
          </span>
        ))}
      <label className="field">
        <span className="field-label">On error</span>
        <select
          className="input input-sm"
          value={node.onError ?? "stop"}
          onChange={(e) => onPatch({ onError: e.target.value as "stop" | "continue" | "errorOutput" })}
        >
          <option value="stop">Stop the run</option>
          <option value="continue">Continue (output {"{ error }"})</option>
          <option value="errorOutput">Error output (an extra “error” handle)</option>
        </select>
      </label>
    </section>
  );
}
