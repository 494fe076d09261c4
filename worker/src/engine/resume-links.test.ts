import { describe, expect, it } from "vitest";
import { resumeToken, verifyResumeToken } from "./resume-links";

const SECRET = "secret-one-0123456789abcdef0123456789";

describe("resume tokens", () => {
  it("name their execution and event, the same each time", async () => {
    const token = await resumeToken(SECRET, "exec-1", "approve");
    expect(await resumeToken(SECRET, "exec-1", "approve")).toBe(token);
    expect(await verifyResumeToken(SECRET, token)).toEqual({ executionId: "exec-1", event: "approve" });
    expect(token).not.toContain(SECRET);
  });

  it("refuse a changed execution, event or signature, and another secret's tokens", async () => {
    const token = await resumeToken(SECRET, "exec-1", "approve");
    const [, event, signature] = token.split(".");
    const other = await resumeToken(SECRET, "exec-1", "reject");
    expect(await verifyResumeToken(SECRET, `exec-2.${event}.${signature}`)).toBeNull();
    expect(await verifyResumeToken(SECRET, `exec-1.${other.split(".")[1]}.${signature}`)).toBeNull();
    expect(await verifyResumeToken(SECRET, `exec-1.${event}.${signature.slice(0, -2)}AA`)).toBeNull();
    expect(await verifyResumeToken("another-secret-0123456789abcdef", token)).toBeNull();
    for (const junk of ["", "a.b", "a.b.c.d", "exec-1.!!.x", `../x.${event}.${signature}`]) {
      expect(await verifyResumeToken(SECRET, junk)).toBeNull();
    }
  });

  it("refuse an event name waitForEvent would not accept", async () => {
    await expect(resumeToken(SECRET, "exec-1", "no spaces")).rejects.toThrow(/event name/);
  });
});
