/**
 * vitest globalSetup (runs in Node, outside workerd): a local server shaped like Google's Sheets API v4
 * (`spreadsheets.values` get / update / append), so the googleSheets node is tested against the protocol:
 * A1 ranges with quoted sheet names in the path, `valueInputOption`, `valueRenderOption`, and Google's
 * error body `{ error: { code, message, status, details } }`.
 *
 *   GET  /v4/spreadsheets/<id>/values/<range>            → { range, majorDimension, values? }
 *   PUT  /v4/spreadsheets/<id>/values/<range>            `{ values }` → { updatedRange, updatedRows, … }
 *   POST /v4/spreadsheets/<id>/values/<range>:append     `{ values }` → { tableRange?, updates: { … } }
 *   POST /__sheets/<id>   `{ "<sheet>": [[…], …] }` creates a spreadsheet (test set-up)
 *   GET  /__sheets/<id>   its sheets as stored, for assertions
 * Like Google: no bearer or `ya29.revoked…` → 401 UNAUTHENTICATED; `ya29.noscope…` → 403 with reason
 * ACCESS_TOKEN_SCOPE_INSUFFICIENT; an unknown spreadsheet → 404 "Requested entity was not found.";
 * spreadsheet `private` → 403 "The caller does not have permission"; `busy` → 429 RESOURCE_EXHAUSTED with
 * Retry-After; an unknown sheet → 400 "Unable to parse range: …". USER_ENTERED turns "42" into a number
 * ; RAW keeps text. FORMATTED_VALUE answers text. Reached with `inject("googleApiUrl")`.
 *
 * And Gmail's `users.messages.send`, with the userinfo endpoint the gmail node reads the address from:
 *   POST /gmail/v1/users/me/messages/send   `{ raw }` (base64url RFC 5322) → { id, threadId, labelIds }
 *   GET  /oauth2/v3/userinfo                → { sub, email, email_verified } (`ya29.noemail…`: no email)
 *   GET  /__gmail/messages/<id>             what was sent, for assertions (see `SentMail`)
 * Like Gmail: `raw` missing or not base64url → 400; no recipient in To/Cc/Bcc → 400 "Recipient address
 * required"; an address that does not parse → 400 "Invalid To header" (or Cc, Bcc); `ya29.busy…` → 429
 * RESOURCE_EXHAUSTED with Retry-After. A message without From is sent from the account's address.
 */
import { createServer } from "node:http";
import type { TestProject } from "vitest/node";
import { readAll, serveForTests } from "./listen";

declare module "vitest" {
  export interface ProvidedContext {
    googleApiUrl: string;
  }
}

type Cell = string | number | boolean;

/** The account every fake token belongs to. */
export const GMAIL_ACCOUNT = "ann.tester@gmail.test";

/** One message the fake Gmail accepted. */
export interface SentMail {
  /** The decoded `raw`, exactly as received. */
  raw: string;
  /** Header name (lower case) → value, unfolded, RFC 2047 words decoded. */
  headers: Record<string, string>;
  /** Every address of To, Cc and Bcc (who Gmail delivers to). */
  recipients: string[];
  /** From as delivered: the message's own, or the account's address when it had none. */
  from: string;
  /** The body as text when the message is one base64 or plain part; null for multipart. */
  body: string | null;
}

/** RFC 2047 words (`=?utf-8?B?…?=` / `?Q?`), decoded the way a mail client shows them. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, "$1$2")
    .replace(/=\?([^?]+)\?([BQ])\?([^?]*)\?=/gi, (_, _charset, kind: string, text: string) =>
      kind.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(
            text
              .replace(/_/g, " ")
              .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            "latin1",
          ).toString("utf8"),
    );
}

/** An address list (commas inside quotes or angle brackets do not split) → bare addresses, or null if one does not parse. */
function addresses(list: string): string[] | null {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  let angled = false;
  for (const char of list) {
    if (char === '"') quoted = !quoted;
    if (!quoted && char === "<") angled = true;
    if (!quoted && char === ">") angled = false;
    if (char === "," && !quoted && !angled) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  parts.push(current);
  const result: string[] = [];
  for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
    const bare = /<([^<>]*)>\s*$/.exec(part)?.[1] ?? part;
    if (!/^[^\s@<>",]+@[^\s@<>",]+\.[^\s@<>",]+$/.test(bare)) return null;
    result.push(bare);
  }
  return result;
}

function parseMail(raw: string): { headers: Record<string, string>; body: string | null } | null {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const headers: Record<string, string> = {};
  for (const line of raw
    .slice(0, end)
    .replace(/\r\n[ \t]+/g, " ")
    .split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) return null;
    headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const rest = raw.slice(end + 4);
  const type = headers["content-type"] ?? "text/plain";
  if (type.startsWith("multipart/")) return { headers, body: null };
  const base64 = /base64/i.test(headers["content-transfer-encoding"] ?? "");
  return { headers, body: base64 ? Buffer.from(rest.replace(/\s+/g, ""), "base64").toString("utf8") : rest };
}
type Sheets = Map<string, Cell[][]>;

/** `'My sheet'!A2:C`, `Sheet1`, `'S'!3:3` → the sheet name and the first row (1-based) the range starts at. */
function parseRange(range: string): { sheet: string; row: number; rowsOnly: boolean } | null {
  const match = /^(?:'((?:[^']|'')+)'|([^'!]+))(?:!([A-Z]*)(\d+)?(?::[A-Z]*\d*)?)?$/.exec(range);
  if (!match) return null;
  const sheet = (match[1] ?? match[2]).replaceAll("''", "'");
  return { sheet, row: match[4] ? Number(match[4]) : 1, rowsOnly: match[3] === "" };
}

const columnName = (n: number) => {
  let name = "";
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) name = String.fromCharCode(65 + ((i - 1) % 26)) + name;
  return name;
};
const a1 = (sheet: string, fromRow: number, toRow: number, columns: number) =>
  `${/^\w+$/.test(sheet) ? sheet : `'${sheet.replaceAll("'", "''")}'`}!A${fromRow}:${columnName(Math.max(columns, 1))}${toRow}`;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const spreadsheets = new Map<string, Sheets>();
  const sentMail = new Map<string, SentMail>();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (
      code: number,
      status: string,
      message: string,
      details: unknown[] = [],
      headers: Record<string, string> = {},
    ) => send(code, { error: { code, message, status, ...(details.length && { details }) } }, headers);

    const seed = /^\/__sheets\/([\w-]+)$/.exec(url.pathname);
    if (seed && req.method === "POST") {
      const body = JSON.parse(await readAll(req)) as Record<string, Cell[][]>;
      spreadsheets.set(seed[1], new Map(Object.entries(body)));
      return send(200, {});
    }
    if (seed) return send(200, Object.fromEntries(spreadsheets.get(seed[1]) ?? []));

    const sent = /^\/__gmail\/messages\/([\w-]+)$/.exec(url.pathname);
    if (sent) {
      const mail = sentMail.get(sent[1]);
      return mail ? send(200, mail) : fail(404, "NOT_FOUND", "Requested entity was not found.");
    }

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    if (!token.startsWith("ya29.") || token.startsWith("ya29.revoked")) {
      return fail(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
      );
    }
    if (token.startsWith("ya29.noscope")) {
      return fail(403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.", [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
          domain: "googleapis.com",
          metadata: { service: "sheets.googleapis.com", method: "google.apps.sheets.v4.SpreadsheetsService" },
        },
      ]);
    }

    if (url.pathname === "/oauth2/v3/userinfo" && req.method === "GET") {
      return send(200, {
        sub: "1098765432101234567890",
        ...(!token.startsWith("ya29.noemail") && { email: GMAIL_ACCOUNT, email_verified: true }),
      });
    }
    if (url.pathname === "/gmail/v1/users/me/messages/send" && req.method === "POST") {
      if (token.startsWith("ya29.busy")) {
        return fail(
          429,
          "RESOURCE_EXHAUSTED",
          "User-rate limit exceeded.  Retry after 2026-12-02T18:00:30.000Z",
          [],
          { "retry-after": "30" },
        );
      }
      let raw: unknown;
      try {
        raw = (JSON.parse(await readAll(req)) as { raw?: unknown }).raw;
      } catch {
        return fail(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
      }
      if (typeof raw !== "string" || raw === "") {
        return fail(
          400,
          "INVALID_ARGUMENT",
          "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
        );
      }
      if (!/^[A-Za-z0-9_-]+={0,2}$/.test(raw)) {
        return fail(
          400,
          "INVALID_ARGUMENT",
          "Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed",
        );
      }
      const text = Buffer.from(raw, "base64url").toString("utf8");
      const mail = parseMail(text);
      if (!mail) return fail(400, "INVALID_ARGUMENT", "Invalid RFC822 message");
      const recipients: string[] = [];
      for (const name of ["To", "Cc", "Bcc"]) {
        const value = mail.headers[name.toLowerCase()];
        if (value === undefined) continue;
        const list = addresses(value);
        if (!list) return fail(400, "INVALID_ARGUMENT", `Invalid ${name} header`);
        recipients.push(...list);
      }
      if (recipients.length === 0) return fail(400, "INVALID_ARGUMENT", "Recipient address required");
      const id = `18c${crypto.randomUUID().replaceAll("-", "").slice(0, 13)}`;
      sentMail.set(id, {
        raw: text,
        headers: mail.headers,
        recipients,
        from: mail.headers.from ?? GMAIL_ACCOUNT,
        body: mail.body,
      });
      return send(200, { id, threadId: id, labelIds: ["SENT"] });
    }

    // The range is one path segment, percent-encoded; `:append` follows it.
    const route = /^\/v4\/spreadsheets\/([^/]+)\/values\/([^/]+?)(:append)?$/.exec(url.pathname);
    if (!route) return fail(404, "NOT_FOUND", "Requested entity was not found.");
    const [, id, encodedRange, append] = route;
    if (id === "private") return fail(403, "PERMISSION_DENIED", "The caller does not have permission");
    if (id === "busy") {
      return fail(
        429,
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com'.",
        [],
        { "retry-after": "30" },
      );
    }
    const book = spreadsheets.get(id);
    if (!book) return fail(404, "NOT_FOUND", "Requested entity was not found.");
    const rangeText = decodeURIComponent(encodedRange);
    const range = parseRange(rangeText);
    const rows = range && book.get(range.sheet);
    if (!range || !rows) return fail(400, "INVALID_ARGUMENT", `Unable to parse range: ${rangeText}`);

    if (req.method === "GET") {
      const from = range.row;
      const to = range.rowsOnly ? from : rows.length;
      const slice = rows.slice(from - 1, to);
      const render = url.searchParams.get("valueRenderOption") ?? "FORMATTED_VALUE";
      // Formulas are not evaluated here: UNFORMATTED_VALUE and FORMULA both answer what was stored.
      const values = slice.map((r) => r.map((c) => (render === "FORMATTED_VALUE" ? String(c) : c)));
      const width = Math.max(0, ...slice.map((r) => r.length));
      return send(200, {
        range: a1(range.sheet, from, Math.max(to, from), width),
        majorDimension: "ROWS",
        ...(values.some((r) => r.length > 0) && { values }),
      });
    }

    const body = JSON.parse(await readAll(req)) as { values?: unknown[][] };
    const option = url.searchParams.get("valueInputOption");
    if (option !== "RAW" && option !== "USER_ENTERED") {
      return fail(400, "INVALID_ARGUMENT", "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED");
    }
    const entered = (body.values ?? []).map((r) =>
      r.map((c): Cell => {
        if (option === "USER_ENTERED" && typeof c === "string" && /^-?\d+(\.\d+)?$/.test(c)) return Number(c);
        return c as Cell;
      }),
    );
    const width = Math.max(0, ...entered.map((r) => r.length));
    const cells = entered.reduce((n, r) => n + r.length, 0);

    if (req.method === "PUT" && !append) {
      entered.forEach((r, i) => {
        rows[range.row - 1 + i] = r;
      });
      for (let i = 0; i < rows.length; i++) rows[i] ??= [];
      return send(200, {
        spreadsheetId: id,
        updatedRange: a1(range.sheet, range.row, range.row + entered.length - 1, width),
        updatedRows: entered.length,
        updatedColumns: width,
        updatedCells: cells,
      });
    }
    if (req.method === "POST" && append) {
      // Google finds the table at the range and writes below its last row.
      let last = rows.length;
      while (last > 0 && rows[last - 1].every((c) => c === "")) last--;
      const start = Math.max(last, range.row - 1) + 1;
      const tableRange =
        last >= range.row ? a1(range.sheet, range.row, last, rows[range.row - 1]?.length ?? 0) : undefined;
      rows.splice(start - 1, 0, ...entered);
      return send(200, {
        spreadsheetId: id,
        ...(tableRange && { tableRange }),
        updates: {
          spreadsheetId: id,
          updatedRange: a1(range.sheet, start, start + entered.length - 1, width),
          updatedRows: entered.length,
          updatedColumns: width,
          updatedCells: cells,
        },
      });
    }
    return fail(404, "NOT_FOUND", "Requested entity was not found.");
  });

  return serveForTests(server, (url) => project.provide("googleApiUrl", url));
}
