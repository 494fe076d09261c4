/**
 * How an `httpRequest` credential becomes request headers. The credentials area hands over the decrypted
 * fields; this only shapes them into a header, so a new auth type is one more case here.
 */
export const httpAuthCredentialTypes = [
  "httpHeaderAuth",
  "httpBearerAuth",
  "httpBasicAuth",
  "oauth2",
] as const;

export interface HttpCredential {
  type: string;
  data: Record<string, unknown>;
}

/** Sets the credential's header on `headers` (replacing one of the same name); no credential, no change. */
export function applyHttpAuth(headers: Headers, credential: HttpCredential | undefined): void {
  if (credential === undefined) return;
  const { type, data } = credential;
  switch (type) {
    case "httpHeaderAuth":
      headers.set(field(type, data, "name"), field(type, data, "value"));
      return;
    case "httpBearerAuth":
      headers.set("authorization", `Bearer ${field(type, data, "token")}`);
      return;
    case "httpBasicAuth": {
      const pair = `${field(type, data, "user", true)}:${field(type, data, "password", true)}`;
      headers.set("authorization", `Basic ${base64Utf8(pair)}`);
      return;
    }
    case "oauth2":
      headers.set("authorization", `Bearer ${field(type, data, "accessToken")}`);
      return;
    default:
      throw new Error(`credential type "${type}" cannot be used for HTTP requests`);
  }
}

function field(type: string, data: Record<string, unknown>, name: string, allowEmpty = false): string {
  const value = data[name];
  if (typeof value !== "string" || (!allowEmpty && value === "")) {
    const hint = type === "oauth2" ? " (connect the account first)" : "";
    throw new Error(`the ${type} credential has no "${name}"${hint}`);
  }
  return value;
}

/** Basic auth is base64 of the UTF-8 bytes (RFC 7617); `btoa` alone only takes Latin-1. */
function base64Utf8(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
