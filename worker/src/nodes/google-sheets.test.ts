import { NonRetryableError } from "cloudflare:workflows";
import { describe, expect, inject, it } from "vitest";
import { runContext } from "../../test/fakes/run-context";
import { ConnectorError } from "./lib/json-api";
import { googleSheets } from "./google-sheets";

/** Against a server shaped like Google's Sheets API v4 (worker/test/fakes/google-api.global.ts). */
const apiBaseUrl = inject("googleApiUrl");
const account = (accessToken = "ya29.a0-live-token") => ({
  credential: { type: "oauth2", data: { preset: "google", accessToken, tokenType: "Bearer", apiBaseUrl } },
});
/** A fresh spreadsheet per test, with the given sheets. */
async function spreadsheet(sheets: Record<string, unknown[][]>): Promise<string> {
  const id = `sheet${crypto.randomUUID().replaceAll("-", "")}`;
  await fetch(`${apiBaseUrl}/__sheets/${id}`, { method: "POST", body: JSON.stringify(sheets) });
  return id;
}
const stored = async (id: string) =>
  (await (await fetch(`${apiBaseUrl}/__sheets/${id}`)).json()) as Record<string, unknown[][]>;
const run = (params: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  googleSheets.run(runContext(googleSheets, params, { ...account(), ...extra }));

describe("googleSheets node", () => {
  it("appends a row matched to the header row, parsing values as typed (USER_ENTERED)", async () => {
    const id = await spreadsheet({
      Leads: [
        ["name", "email", "score"],
        ["Ann", "ann@x.test", 3],
      ],
    });
    const result = await run({
      documentId: `https://docs.google.com/spreadsheets/d/${id}/edit#gid=0`,
      sheetName: "Leads",
      values: { email: "bo@x.test", name: "Bo", score: "7" },
    });
    expect((await stored(id)).Leads).toEqual([
      ["name", "email", "score"],
      ["Ann", "ann@x.test", 3],
      ["Bo", "bo@x.test", 7],
    ]);
    expect(result.output).toEqual({
      spreadsheetId: id,
      updatedRange: "Leads!A3:C3",
      updatedRows: 1,
      rows: [{ name: "Bo", email: "bo@x.test", score: "7" }],
    });
  });

  it("RAW keeps text; a sheet name with spaces and quotes is quoted in the range", async () => {
    const id = await spreadsheet({ "Ann's list": [["code"]] });
    await run({ documentId: id, sheetName: "Ann's list", values: { code: "007" }, cellFormat: "RAW" });
    expect((await stored(id))["Ann's list"]).toEqual([["code"], ["007"]]);
  });

  it("autoMapInputData writes the input's fields (a list: one row each); an empty sheet gets its header", async () => {
    const id = await spreadsheet({ Sheet1: [] });
    const result = await run(
      { documentId: id, mappingMode: "autoMapInputData" },
      {
        input: [
          { sku: "A-1", qty: 2, tags: ["x"] },
          { sku: "B-2", qty: 5 },
        ],
      },
    );
    expect((await stored(id)).Sheet1).toEqual([
      ["sku", "qty", "tags"],
      ["A-1", 2, '["x"]'],
      ["B-2", 5, ""],
    ]);
    expect(result.output).toMatchObject({ updatedRows: 2, updatedRange: "Sheet1!A2:C3" });
  });

  it("a field with no column fails at once naming it, or is left out with ignoreIt", async () => {
    const id = await spreadsheet({ Sheet1: [["name"]] });
    const failure = await run({ documentId: id, values: { name: "Ann", nmae: "typo" } }).catch((e) => e);
    expect(failure).toBeInstanceOf(NonRetryableError);
    expect(failure.message).toBe(
      'Google Sheets: no column named "nmae" in row 1 of "Sheet1" (columns: name); set handlingExtraData to ignoreIt to leave such fields out',
    );
    expect((await stored(id)).Sheet1).toEqual([["name"]]);
    await run({ documentId: id, values: { name: "Ann", nmae: "typo" }, handlingExtraData: "ignoreIt" });
    expect((await stored(id)).Sheet1).toEqual([["name"], ["Ann"]]);
  });

  it("reads rows as objects keyed by the header row, with n8n's row_number", async () => {
    const id = await spreadsheet({
      Sheet1: [["Report"], ["name", "score"], ["Ann", 3], ["Bo"]],
    });
    const result = await run({ operation: "read", documentId: id, headerRow: 2 });
    expect(result.output).toEqual({
      rows: [
        { row_number: 3, name: "Ann", score: "3" },
        { row_number: 4, name: "Bo", score: "" },
      ],
      rowCount: 2,
    });
    const raw = await run({
      operation: "read",
      documentId: id,
      headerRow: 2,
      valueRenderMode: "UNFORMATTED_VALUE",
    });
    expect((raw.output as { rows: unknown[] }).rows[0]).toEqual({ row_number: 3, name: "Ann", score: 3 });
    const empty = await run({ operation: "read", documentId: await spreadsheet({ Sheet1: [] }) });
    expect(empty.output).toEqual({ rows: [], rowCount: 0 });
  });

  it("fails at once with Google's words: unknown sheet, unknown or unshared spreadsheet, missing scope, revoked grant", async () => {
    const id = await spreadsheet({ Sheet1: [["a"]] });
    for (const [params, token, message] of [
      [
        { documentId: id, sheetName: "Nope" },
        undefined,
        `Google Sheets answered 400: no sheet named "Nope" in this spreadsheet (Unable to parse range: 'Nope')`,
      ],
      [{ documentId: "missing" }, undefined, "Google Sheets answered 404: Requested entity was not found."],
      [
        { documentId: "private" },
        undefined,
        "Google Sheets answered 403: The caller does not have permission",
      ],
      [
        { documentId: id },
        "ya29.noscope-1",
        "Google Sheets answered 403: Request had insufficient authentication scopes. (the Google credential needs the scope https://www.googleapis.com/auth/spreadsheets: add it to its scopes and press Connect again)",
      ],
      [
        { documentId: id },
        "ya29.revoked-1",
        expect.stringMatching(
          /^Google Sheets answered 401: Request had invalid authentication credentials\..*\(press Connect again on the Google credential\)$/,
        ),
      ],
    ] as const) {
      const failure = await googleSheets
        .run(runContext(googleSheets, { operation: "read", ...params }, account(token)))
        .catch((e) => e);
      expect(failure).toBeInstanceOf(NonRetryableError);
      expect(failure.message).toEqual(message);
    }
  });

  it("a quota 429 is left to the node's retry policy after one append call", async () => {
    const failure = await run({ documentId: "busy", values: { a: 1 } }).catch((e) => e);
    expect(failure).toBeInstanceOf(ConnectorError);
    expect(failure.message).toMatch(/^Google Sheets answered 429: Quota exceeded/);
    expect(googleSheets.idempotent).toBe(false);
  });

  it("checks its parameters and its credential", async () => {
    const parse = (p: Record<string, unknown>) =>
      googleSheets.parameters.safeParse({ documentId: "abc", ...p });
    expect(parse({}).error?.issues[0]).toMatchObject({ path: ["values"] });
    expect(parse({ mappingMode: "autoMapInputData" }).success).toBe(true);
    expect(parse({ operation: "read" }).success).toBe(true);
    expect(parse({ operation: "read", documentId: "../etc" }).success).toBe(false);
    expect(
      parse({ operation: "read", documentId: "https://docs.google.com/spreadsheets/d/1AbC_d-9/edit" }).data,
    ).toMatchObject({
      documentId: "1AbC_d-9",
    });
    const noAccount = await googleSheets
      .run(
        runContext(
          googleSheets,
          { operation: "read", documentId: "x" },
          { credential: { type: "oauth2", data: {} } },
        ),
      )
      .catch((e) => e);
    expect(noAccount.message).toMatch(/^Google Sheets credential must hold a connected Google account/);
  });
});
