/** The named parts of a node's step (errors, parameters, masking, step config, live state), one by one. */
import { NonRetryableError } from "cloudflare:workflows";
import { describe, expect, it } from "vitest";
import { set } from "../nodes/set";
import { liveNode, toLiveExecution } from "./live-state";
import { maskedOutput, maskErrorInPlace } from "./masking";
import { errorMessage, requireNodeType } from "./node-errors";
import { resolveNodeParameters } from "./node-parameters";
import type { SnapshotNode } from "./snapshot";
import { nodeStepConfig } from "./step-config";

const node = (over: Partial<SnapshotNode> = {}): SnapshotNode => ({
  id: "n2",
  type: "set",
  name: "Double",
  parameters: {},
  ...over,
});
const scope = { json: { n: 21 }, nodes: {}, trigger: null, execution: { id: "e1", workflowId: "w1" } };

describe("node errors", () => {
  it("drops the prefix Workflows puts on a NonRetryableError and stringifies non-errors", () => {
    expect(errorMessage(new Error("NonRetryableError: bad field"))).toBe("bad field");
    expect(errorMessage("plain")).toBe("plain");
    expect(errorMessage({ code: 7 })).toBe('{"code":7}');
  });

  it("fails an unknown node type without retries, naming the node", () => {
    const err = (() => {
      try {
        requireNodeType(node({ type: "nope" }));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(NonRetryableError);
    expect((err as Error).message).toContain(`Node "Double" has an unknown type 'nope'`);
  });
});

describe("node parameters", () => {
  it("evaluates expressions, keeping a single expression's type", async () => {
    const params = await resolveNodeParameters(
      set,
      node({ parameters: { fields: { doubled: "{{ $json.n * 2 }}" } } }),
      scope,
    );
    expect(params).toMatchObject({ fields: { doubled: 42 } });
  });

  it("fails a schema mismatch as non-retryable, naming node and field", async () => {
    const err = await resolveNodeParameters(set, node({ parameters: { fields: 5 } }), scope).then(
      () => new Error("resolved"),
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.message).toMatch(/Invalid parameters for node "Double": fields:/);
  });

  it("fails a broken expression as non-retryable", async () => {
    const err = await resolveNodeParameters(
      set,
      node({ parameters: { fields: { x: "{{ $json.( }}" } } }),
      scope,
    ).then(
      () => new Error("resolved"),
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.message).toContain("Double");
  });
});

describe("masking", () => {
  it("masks secret values in outputs and keeps them plain JSON", () => {
    const out = maskedOutput({ auth: "Bearer sk-123", at: new Date(0) }, ["sk-123"]);
    expect(out).toEqual({ auth: "Bearer ***", at: "1970-01-01T00:00:00.000Z" });
  });

  it("masks an error's message and stack but keeps its class", () => {
    const err = new NonRetryableError("token sk-123 refused");
    maskErrorInPlace(err, ["sk-123"]);
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.message).toBe("token *** refused");
    expect(err.stack ?? "").not.toContain("sk-123");
  });
});

describe("step config", () => {
  it("turns maxAttempts into Workflows retries, with a default policy", () => {
    expect(nodeStepConfig(node()).retries).toEqual({ limit: 2, delay: 1000, backoff: "exponential" });
    const custom = nodeStepConfig(node({ retry: { maxAttempts: 1, backoff: "constant", delayMs: 5 } }));
    expect(custom.retries).toEqual({ limit: 0, delay: 5, backoff: "constant" });
  });
});

describe("live state", () => {
  it("shapes a node and an execution row for the room", () => {
    const startedAt = new Date(1000);
    expect(liveNode(node(), "running", 2, { startedAt })).toEqual({
      nodeId: "n2",
      nodeName: "Double",
      status: "running",
      attempt: 2,
      error: null,
      startedAt: "1970-01-01T00:00:01.000Z",
      finishedAt: null,
    });
    const row = {
      id: "e1",
      workflowId: "w1",
      status: "success",
      error: null,
      createdAt: new Date(0),
      startedAt: startedAt,
      finishedAt: null,
    } as unknown as Parameters<typeof toLiveExecution>[0];
    expect(toLiveExecution(row)).toMatchObject({ status: "success", createdAt: "1970-01-01T00:00:00.000Z" });
  });
});
