import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password";

describe("PBKDF2 password hashing", () => {
  it("stores pbkdf2$iterations$salt$hash and verifies the right password only", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^pbkdf2\$100000\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword({ hash, password: "correct horse battery" })).toBe(true);
    expect(await verifyPassword({ hash, password: "correct horse batterx" })).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("refuses malformed or over-cost hashes instead of throwing", async () => {
    expect(await verifyPassword({ hash: "scrypt:abc", password: "x" })).toBe(false);
    expect(await verifyPassword({ hash: "pbkdf2$999999$AAAA$AAAA", password: "x" })).toBe(false);
  });
});
