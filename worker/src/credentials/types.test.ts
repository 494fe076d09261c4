import { describe, expect, it } from "vitest";
import {
  credentialTypeJsonSchema,
  getCredentialType,
  listCredentialTypes,
  normalizeCredentialData,
  splitSecrets,
} from "./types";

describe("credential types", () => {
  it("marks every secret field, and every secret field exists in its schema", () => {
    for (const def of listCredentialTypes()) {
      expect(def.secretFields.length).toBeGreaterThan(0);
      const schema = credentialTypeJsonSchema(def) as { properties: Record<string, { writeOnly?: boolean }> };
      for (const field of def.secretFields) expect(schema.properties[field]?.writeOnly).toBe(true);
      for (const [name, prop] of Object.entries(schema.properties)) {
        expect(prop.writeOnly === true).toBe(def.secretFields.includes(name));
      }
    }
  });

  it("accepts webhookAuth as header+value or as hmacSecret, not both or neither", () => {
    const { schema } = getCredentialType("webhookAuth")!;
    expect(schema.safeParse({ header: "X-Token", value: "v-123" }).success).toBe(true);
    expect(schema.safeParse({ hmacSecret: "h-123" }).success).toBe(true);
    expect(schema.safeParse({ header: "X-Token" }).success).toBe(false);
    expect(schema.safeParse({ header: "X-Token", value: "v", hmacSecret: "h" }).success).toBe(false);
    expect(schema.safeParse({}).success).toBe(false);
  });

  it("splits secrets from readable fields and fills OAuth2 presets", () => {
    const def = getCredentialType("oauth2")!;
    const data = normalizeCredentialData(
      "oauth2",
      def.schema.parse({ preset: "github", clientId: "c", clientSecret: "s" }),
    );
    expect(splitSecrets(def, data)).toEqual({
      publicData: {
        preset: "github",
        clientId: "c",
        authUrl: "https://github.com/login/oauth/authorize",
        tokenUrl: "https://github.com/login/oauth/access_token",
        scopes: "read:user",
      },
      secretData: { clientSecret: "s" },
    });
    expect(getCredentialType("toString")).toBeUndefined();
  });
});
