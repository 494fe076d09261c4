import { describe, expect, it } from "vitest";
import { googleFormOutput } from "./google-form";

describe("googleFormOutput", () => {
  it("keeps the script's submission", () => {
    const body = {
      responses: { Name: "Ada", Topics: ["Math", "Engines"] },
      respondent: "ada@example.com",
      submittedAt: "2026-01-01T10:00:00.000Z",
    };
    expect(googleFormOutput(body)).toEqual(body);
  });

  it("fills respondent and submittedAt when the form does not collect them", () => {
    const at = new Date("2026-02-03T04:05:06.000Z");
    expect(googleFormOutput({ responses: { Q: "A" } }, at)).toEqual({
      responses: { Q: "A" },
      respondent: null,
      submittedAt: "2026-02-03T04:05:06.000Z",
    });
  });

  it("answers 400 for anything else", () => {
    expect(() => googleFormOutput({ answers: {} })).toThrow(
      expect.objectContaining({ status: 400, code: "invalid_body" }),
    );
    expect(() => googleFormOutput("text")).toThrow(expect.objectContaining({ status: 400 }));
  });
});
