/**
 * The contract every node type fulfils. A node type is one self-describing module: metadata, a zod schema
 * for its parameters (the editor's form is generated from its JSON Schema) and `run`, the work done inside
 * the node's durable step. Add one with one file here, its test beside it, and one line in `registry.ts`.
 */
import type { z } from "zod";
import type { OutboundConnect } from "../engine/outbound-connect";
import type { RespondOutcome, WebhookAnswer } from "../engine/webhook-answer";
import type { LogLine } from "../sandbox/console-lines";

export type NodeCategory = "trigger" | "core" | "flow" | "http" | "ai" | "communication";

/**
 * How a trigger node is started; absent on every non-trigger node. `github` is called at a webhook URL;
 * `rss` is polled by the cron handler; `error`: by the failure of a workflow that names this one as its
 * error workflow; `subworkflow`: by another workflow's executeWorkflow node.
 */
export const TRIGGER_KINDS = [
  "manual",
  "webhook",
  "schedule",
  "stripe",
  "googleForm",
  "github",
  "rss",
  "error",
  "subworkflow",
] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** What the engine hands to `run`. Parameters arrive with every `{{ }}` expression already evaluated. */
export interface NodeRunContext<P> {
  params: P;
  /** `$json`: the output of the node that led here (for `merge`: `{ [nodeName]: output }`). */
  input: unknown;
  node: { id: string; name: string; type: string };
  execution: { id: string; workflowId: string };
  /** The trigger payload of this run. */
  trigger: unknown;
  /** Decrypted credential fields, present only inside the step of a node that has a credential. */
  credential?: { type: string; data: Record<string, unknown> };
  /** Outbound HTTP for nodes that call the outside world (refuses private networks in production). */
  fetch: typeof fetch;
  /** Outbound TCP for nodes that speak a protocol (SMTP, PostgreSQL); same private-network rule as `fetch`. */
  connect?: OutboundConnect;
  signal?: AbortSignal;
  /** For a node with a `pause` of kind `event`: the payload of the event that resumed it. */
  event?: unknown;
  /** Outputs of the finished nodes by name (what `$node("Name")` reads), for nodes that read them at run time (`code`). */
  nodes?: Readonly<Record<string, unknown>>;
  /** `$item` inside a `forEach` body (`{ value, index, count }`); absent elsewhere. */
  item?: unknown;
  /**
   * Answers the webhook call that started the run (`respondToWebhook`, engine/webhook-answer.ts); absent
   * when nobody waits for an answer (a manual run, another respond mode).
   */
  respond?: (answer: WebhookAnswer) => Promise<RespondOutcome>;
}

/**
 * A durable pause the engine performs before `run`, outside any step: `sleep` becomes `step.sleep`
 * (free while it lasts, survives restarts), `event` becomes `step.waitForEvent`.
 */
export type NodePause =
  | { kind: "sleep"; until: Date }
  | { kind: "event"; event: string; timeoutMs: number }
  /**
   * Start another workflow as a child execution (engine/sub-workflow.ts); with `wait`, the engine waits
   * durably for the child's end, which `run` receives as `ctx.event`; without, `ctx.event` is
   * `{ executionId }`. `input` undefined means the node's own input.
   */
  | { kind: "subworkflow"; workflowId: string; input: unknown; wait: boolean };

/** What `run` returns: the node's output, and for branching nodes the output handle taken. */
export interface NodeResult {
  output: unknown;
  /** Name of the output handle taken (`true`/`false` for `if`, a rule's `output` for `switch`). Default `main`. */
  branch?: string;
  /** Console lines to record on the step (`code`). */
  logs?: LogLine[];
}

/** A node failure that carries console lines to record on the step (`code`), e.g. what it printed before throwing. */
export interface ErrorWithLogs extends Error {
  logs: LogLine[];
}

export function logsOf(err: unknown): LogLine[] | undefined {
  const logs = (err as Partial<ErrorWithLogs> | null)?.logs;
  return Array.isArray(logs) ? logs : undefined;
}

/** A trigger's output: its schema and a sample (see `NodeType.payload`). */
export interface TriggerPayload {
  schema: z.ZodType;
  sample: unknown;
}

export interface NodeType<P extends z.ZodType = z.ZodType> {
  /** Stable machine id, part of the public contract (`httpRequest`), separate from the `title` people see. */
  type: string;
  version: number;
  title: string;
  description: string;
  category: NodeCategory;
  /** An icon name the editor knows (falls back to the category's icon). */
  icon: string;
  parameters: P;
  /** Credential types this node accepts, and whether one is required. */
  credential?: { types: readonly string[]; required: boolean };
  /** Output handles; a function when they depend on the parameters (`switch`). */
  outputs: readonly string[] | ((params: z.infer<P>) => string[]);
  trigger?: TriggerKind;
  /**
   * True for a node that only computes from its input and parameters (no I/O, no credential, no clock that
   * matters): consecutive pure nodes run in one durable step with their records written together, and a
   * pure node may run again on a retry of that step without anyone noticing (docs/engine.md).
   */
  pure?: boolean;
  /**
   * False for a node whose call must not be repeated casually (a chat post, an email): it makes one call
   * per attempt (no retry loop inside the call); only the node's own retry policy runs it again.
   * Default true.
   */
  idempotent?: boolean;
  /**
   * Only for triggers: the shape of the trigger's output (what our intake, cron or caller produces) and a
   * realistic sample of it. A test run started with `POST /api/workflows/:id/run?trigger=<nodeId>` is
   * checked against `schema` (a 422 names the field); the editor's "Run with sample data" starts from
   * `sample`, which a test compares with what the intake really produces.
   */
  payload?: TriggerPayload;
  /**
   * Top-level parameters taken exactly as written: the engine evaluates no `{{ }}` inside them (the `code`
   * node's JavaScript, whose own syntax may contain braces).
   */
  literalParameters?: readonly string[];
  /**
   * Only for loop nodes (`forEach`): the output handle whose reachable nodes are the loop body, run once
   * per element of the list `run` returns as its output.
   */
  loopHandle?: string;
  /** Only for nodes that wait (`wait`, `waitForEvent`): what to wait for, from the resolved parameters. */
  pause?(params: z.infer<P>): NodePause;
  run(ctx: NodeRunContext<z.infer<P>>): Promise<NodeResult>;
}

/** Helps TypeScript infer `P` from the schema so `run` sees typed parameters. */
export function defineNode<P extends z.ZodType>(def: NodeType<P>): NodeType<P> {
  return def;
}
