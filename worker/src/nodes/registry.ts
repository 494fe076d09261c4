/**
 * Every node type, by its type id. One line per type. Because each entry must be a full `NodeType`
 * (with `run`), a node type without an executor does not compile.
 */
import type { NodeType } from "./node-type";
import { manualTrigger } from "./manual-trigger";
import { scheduleTrigger } from "./schedule-trigger";
import { webhookTrigger } from "./webhook-trigger";
import { set } from "./set";
import { ifNode } from "./if";
import { switchNode } from "./switch";
import { merge } from "./merge";
import { wait } from "./wait";
import { waitForEvent } from "./wait-for-event";
import { httpRequest } from "./http-request";
import { googleFormTrigger } from "./google-form-trigger";
import { stripeTrigger } from "./stripe-trigger";
import { openai } from "./openai";
import { anthropic } from "./anthropic";
import { gemini } from "./gemini";
import { slack } from "./slack";
import { discord } from "./discord";
import { code } from "./code";
import { telegram } from "./telegram";
import { githubTrigger } from "./github-trigger";
import { email } from "./email";
import { postgres } from "./postgres";
import { rssTrigger } from "./rss-trigger";
import { slackMessage } from "./slack-message";
import { github } from "./github";
import { googleSheets } from "./google-sheets";
import { gmail } from "./gmail";
import { notion } from "./notion";
import { airtable } from "./airtable";
import { forEach } from "./for-each";
import { stopAndError } from "./stop-and-error";
import { errorTrigger } from "./error-trigger";
import { executeWorkflow } from "./execute-workflow";
import { workflowTrigger } from "./workflow-trigger";
import { respondToWebhook } from "./respond-to-webhook";

export const nodeTypes = {
  manualTrigger,
  webhookTrigger,
  scheduleTrigger,
  set,
  if: ifNode,
  switch: switchNode,
  merge,
  wait,
  waitForEvent,
  httpRequest,
  googleFormTrigger,
  stripeTrigger,
  openai,
  anthropic,
  gemini,
  slack,
  discord,
  code,
  telegram,
  githubTrigger,
  email,
  postgres,
  rssTrigger,
  slackMessage,
  github,
  googleSheets,
  gmail,
  notion,
  airtable,
  forEach,
  stopAndError,
  errorTrigger,
  executeWorkflow,
  workflowTrigger,
  respondToWebhook,
} satisfies Record<string, NodeType<any>>;

export type NodeTypeName = keyof typeof nodeTypes;

export function getNodeType(type: string): NodeType | undefined {
  return Object.hasOwn(nodeTypes, type) ? (nodeTypes as Record<string, NodeType>)[type] : undefined;
}
