import { NonRetryableError } from "cloudflare:workflows";
import { describe, expect, it } from "vitest";
import { runNode } from "../../test/node-context";
import { stopAndError } from "./stop-and-error";

describe("stopAndError", () => {
  it("fails with its message, as an error that is never retried", async () => {
    const failure = await runNode(stopAndError, { message: "Order 7 has no total" }).catch((e) => e);
    expect(failure).toBeInstanceOf(NonRetryableError);
    expect(failure.message).toBe("Order 7 has no total");
  });

  it("needs a message", () => {
    expect(stopAndError.parameters.safeParse({}).success).toBe(false);
    expect(stopAndError.parameters.safeParse({ message: "  " }).success).toBe(false);
  });
});
