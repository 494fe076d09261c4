/** What a node converter gets and gives (the converters are in map-core.ts and map-apps.ts). */
import type { JsonataContext } from "./to-jsonata";

export interface N8nNode {
  id?: string;
  name: string;
  type: string;
  typeVersion?: number;
  position?: [number, number];
  parameters?: Record<string, unknown>;
  credentials?: Record<string, unknown>;
  disabled?: boolean;
  onError?: string;
  continueOnFail?: boolean;
  retryOnFail?: boolean;
  maxTries?: number;
  waitBetweenTries?: number;
}

export type DataPath = readonly (string | number)[];

export interface MapInput {
  node: N8nNode;
  params: Record<string, unknown>;
  version: number;
  /** Collects approximations (the node's report says "approximated" with them). */
  ctx: JsonataContext;
  /** Which credential to pick: in the report's message, but not an approximation of what the node does. */
  credentialNotes: string[];
  /** Converts an n8n value (expression strings included) for one of our parameters. */
  value(v: unknown): unknown;
  /** For code: where each node's n8n item lives in our output, by node name (root ones left out). */
  nodePaths: Record<string, DataPath>;
  /** Our workflow with this name (for Execute Workflow's `cachedResultName`), if the person has one. */
  workflowIdByName(name: string): string | undefined;
  /** Whether our registry has a node type (some arrive while others are built). */
  hasType(type: string): boolean;
  /** The workflow's time zone from n8n's settings, if it names one. */
  timezone?: string;
}

export interface MapOutput {
  type: string;
  parameters: Record<string, unknown>;
  /** Our output handles for n8n's main output `index`; by default 0 → "main", others dropped. */
  handles?: (index: number) => string[];
}

export type NodeMapper = (input: MapInput) => MapOutput;

/** The node cannot be converted: it becomes a stopAndError node whose message is this. */
export class NodeNotConverted extends Error {}

export const mainOnly = (index: number) => (index === 0 ? ["main"] : []);

export function str(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : value === undefined || value === null ? fallback : String(value);
}

export function obj(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(obj) : [];
}

/**
 * Credentials never come across (n8n encrypts them with that instance's key): the report names the
 * credential type to pick in the node's panel.
 */
export function needsCredential(input: MapInput, what: string): void {
  if (input.node.credentials && Object.keys(input.node.credentials).length > 0)
    input.credentialNotes.push(`credentials are not imported: pick a ${what} credential`);
  else input.credentialNotes.push(`needs a ${what} credential`);
}
