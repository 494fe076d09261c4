/**
 * The configuration panel of the selected node: name, webhook URLs, the parameter form generated from
 * the node type's JSON Schema, credential, retry and error settings, server problems, and — after a
 * run — the node's input and output.
 */
import { nameProblem } from "../lib/names";
import { useId } from "react";
import type { ConsoleLine, ExecutionStep } from "../api/executions";
import { acceptedCredentialTypes, hasWebhookUrl, type NodeTypeInfo } from "../api/node-types";
import type { WorkflowNode } from "../api/types";
import { JsonViewer } from "../components/json-viewer";
import { toast } from "../components/toaster";
import { CredentialPicker } from "./credential-picker";
import { useNodeOverlay, type NodeRunState } from "./node-overlay";
import { STATUS_LABELS } from "../components/status-badge";
import { SchemaForm } from "./schema-form";

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
  onPatch: (patch: Partial<WorkflowNode>, mergeKey?: string) => void;
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

  return (
    <aside className="config-panel" aria-label={`Configure ${node.name}`} data-testid="config-panel">
      <div className="config-head">
        <div>
          <h2 className="config-title">{node.name}</h2>
          <p className="muted">
            {info?.title ?? node.type}
            {info?.description ? ` · ${info.description}` : ""}
          </p>
        </div>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={props.onClose}
          aria-label="Close panel"
        >
          ×
        </button>
      </div>

      <div className="config-body">
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

        {hasWebhookUrl(info) && <WebhookUrls webhookId={node.webhookId} />}

        <section className="config-section" aria-label="Parameters">
          <h3 className="config-section-title">Parameters</h3>
          {info && (
            <SchemaForm
              schema={info.parameters}
              value={node.parameters ?? {}}
              context={{ upstreamNames: props.upstreamNames, errors, onChange: setParameter }}
            />
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

        <RunData step={props.step} run={run} />
      </div>
    </aside>
  );
}

function WebhookUrls({ webhookId }: { webhookId: string | null | undefined }) {
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

function RunData({ step, run }: { step: ExecutionStep | null; run: NodeRunState | undefined }) {
  if (!step && !run) return null;
  const status = step?.status ?? run?.status;
  const error = step?.error ?? run?.error;
  return (
    <section className="config-section run-data" aria-label="Last run" data-testid="run-data">
      <h3 className="config-section-title">
        Last run{" "}
        <span className={`badge status-badge status-${status}`}>{STATUS_LABELS[status ?? ""] ?? status}</span>
        {step && step.attempts > 1 && <span className="muted"> · {step.attempts} attempts</span>}
      </h3>
      {error && <div className="form-error">{error.message}</div>}
      {step ? (
        <>
          <h4 className="run-data-title">Input</h4>
          <JsonViewer value={step.input} label="Input" />
          <h4 className="run-data-title">Output</h4>
          <JsonViewer value={step.output} label="Output" />
          {step.logs && step.logs.length > 0 && <ConsoleOutput lines={step.logs} />}
        </>
      ) : (
        <p className="muted">Input and output appear when the run has recorded this step.</p>
      )}
    </section>
  );
}

/** A code node's console lines, in order, marked by level. */
function ConsoleOutput({ lines }: { lines: ConsoleLine[] }) {
  return (
    <>
      <h4 className="run-data-title">Console</h4>
      <ol className="console-lines" aria-label="Console" data-testid="console-lines">
        {lines.map((line, i) => (
          <li key={i} className={`console-line console-${line.level}`}>
            <span className="console-level">{line.level}</span> {line.message}
          </li>
        ))}
      </ol>
    </>
  );
}
