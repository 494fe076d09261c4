import { describe, expect, it } from "vitest";
import { runContext } from "../../test/fakes/run-context";
import { googleFormTrigger } from "./google-form-trigger";

describe("googleFormTrigger node", () => {
  it("outputs the submission the intake built", async () => {
    const submission = {
      responses: { Name: "Ada" },
      respondent: "ada@example.com",
      submittedAt: "2026-01-01T10:00:00.000Z",
    };
    const result = await googleFormTrigger.run(runContext(googleFormTrigger, {}, { trigger: submission }));
    expect(result.output).toEqual(submission);
  });

  it("takes no parameters and needs a googleForm credential", () => {
    expect(googleFormTrigger.parameters.safeParse({ extra: 1 }).success).toBe(false);
    expect(googleFormTrigger.credential).toEqual({ types: ["googleForm"], required: true });
    expect(googleFormTrigger.trigger).toBe("googleForm");
  });
});
