/** Workflow documents used by the scenario tests, built from the node types this branch registers. */
export const webhookNode = (id = "n1", name = "Webhook") => ({
  id,
  type: "webhookTrigger",
  name,
  position: { x: 0, y: 0 },
  parameters: { method: "POST", respond: "immediately" },
});
export const manualNode = (id = "m1", name = "Manual") => ({
  id,
  type: "manualTrigger",
  name,
  position: { x: 0, y: 120 },
  parameters: {},
});
export const scheduleNode = (id = "s1", name = "Every hour") => ({
  id,
  type: "scheduleTrigger",
  name,
  position: { x: 0, y: 240 },
  parameters: { cron: "0 * * * *", timezone: "UTC" },
});

/** A valid two-trigger document (webhook + schedule), no edges: only trigger types are sure to exist. */
export function sampleDocument(name = "Sample") {
  return { name, nodes: [webhookNode(), scheduleNode()], edges: [] as unknown[] };
}
