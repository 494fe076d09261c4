import { describe, expect, it } from "vitest";
import { importOne, rl, withCredential } from "./import-one.test-helper";

describe("n8n import: Google Sheets", () => {
  it("v4.5 append with mapped columns: document, sheet name from the picker, values with expressions", () => {
    const { app, entry, document } = importOne(
      {
        type: "n8n-nodes-base.googleSheets",
        typeVersion: 4.5,
        ...withCredential("googleSheetsOAuth2Api"),
        parameters: {
          operation: "append",
          documentId: rl("1AbCdEfGh", "list", "Leads"),
          sheetName: rl("gid=0", "list", "Leads 2026"),
          columns: {
            mappingMode: "defineBelow",
            value: { Email: "={{ $json.email }}", Amount: 3, Source: "n8n" },
            matchingColumns: [],
            schema: [{ id: "Email", displayName: "Email" }],
          },
          options: { locationDefine: { values: { headerRow: 2 } } },
        },
      },
      {
        parameters: {
          assignments: {
            assignments: [{ id: "a", name: "who", value: "={{ $json.Email }}", type: "string" }],
          },
        },
      },
    );
    expect(app.type).toBe("googleSheets");
    expect(app.parameters).toEqual({
      operation: "append",
      documentId: "1AbCdEfGh",
      sheetName: "Leads 2026",
      mappingMode: "defineBelow",
      cellFormat: "USER_ENTERED",
      headerRow: 2,
      values: { Email: "{{ $json.email }}", Amount: 3, Source: "n8n" },
    });
    expect(entry.status).toBe("approximated");
    expect(entry.message).toContain("later expressions read the first row");
    expect(entry.message).toContain(
      "credentials are not imported: pick a oauth2 (Google preset, spreadsheets scope) credential",
    );
    // What n8n read as the appended row is our output's rows[0].
    expect(document.nodes.find((n) => n.name === "Next")!.parameters.fields).toEqual({
      who: "{{ $json.rows[0].Email }}",
    });
  });

  it("v3 auto-map keeps n8n's RAW cell format and says what happens to extra fields", () => {
    const { app, entry } = importOne({
      type: "n8n-nodes-base.googleSheets",
      typeVersion: 3,
      parameters: {
        operation: "append",
        documentId: rl("https://docs.google.com/spreadsheets/d/1AbC-d_E/edit", "url"),
        sheetName: rl("Sheet1", "name"),
        dataMode: "autoMapInputData",
        options: {},
      },
    });
    expect(app.parameters).toEqual({
      operation: "append",
      documentId: "https://docs.google.com/spreadsheets/d/1AbC-d_E/edit",
      sheetName: "Sheet1",
      mappingMode: "autoMapInputData",
      cellFormat: "RAW",
      handlingExtraData: "error",
    });
    expect(entry.message).toContain("n8n added a column for it");
    expect(entry.message).toContain("needs a oauth2 (Google preset, spreadsheets scope) credential");
  });

  it("appendOrUpdate, a missing operation (n8n's default read) and a nameless sheet id stay unsupported", () => {
    const sheets = (parameters: Record<string, unknown>) =>
      importOne({ type: "n8n-nodes-base.googleSheets", typeVersion: 4.5, parameters });
    const upsert = sheets({
      operation: "appendOrUpdate",
      documentId: rl("1AbC"),
      sheetName: rl("gid=0", "list", "S"),
    });
    expect(upsert.app.type).toBe("stopAndError");
    expect(upsert.entry).toEqual({
      nodeName: "App",
      status: "unsupported",
      message:
        'Google Sheets "appendOrUpdate" has no Nodebase equivalent (append has; read is not converted)',
    });
    expect(sheets({ documentId: rl("1AbC") }).entry.message).toContain('Google Sheets "read"');
    expect(
      sheets({ operation: "append", documentId: rl("1AbC"), sheetName: rl("123", "id") }).entry.message,
    ).toBe(
      "its sheet is chosen by id (123) and the export does not name it: Nodebase needs the sheet's name",
    );
  });
});

describe("n8n import: Airtable", () => {
  it("v2 create: base and table from the pickers (also by URL), columns → fields, typecast", () => {
    const { app, entry } = importOne({
      type: "n8n-nodes-base.airtable",
      typeVersion: 2.1,
      ...withCredential("airtableTokenApi"),
      parameters: {
        operation: "create",
        base: rl("appAbCdEfGhIjKlMn", "list", "CRM"),
        table: rl("https://airtable.com/appAbCdEfGhIjKlMn/tblAbCdEfGhIjKlMn/viwX", "url"),
        columns: { mappingMode: "defineBelow", value: { Name: "={{ $json.name }}", Stars: 5 } },
        options: { typecast: true },
      },
    });
    expect(app.parameters).toEqual({
      operation: "create",
      base: "appAbCdEfGhIjKlMn",
      table: "tblAbCdEfGhIjKlMn",
      fields: { Name: "{{ $json.name }}", Stars: 5 },
      typecast: true,
    });
    // Airtable's record is the output in both: nothing differs but the credential.
    expect(entry).toEqual({
      nodeName: "App",
      status: "converted",
      message: "became airtable; credentials are not imported: pick a airtableTokenApi credential",
    });
  });

  it("search keeps the formula, view and limit; update is unsupported", () => {
    const { app } = importOne({
      type: "n8n-nodes-base.airtable",
      typeVersion: 2,
      parameters: {
        operation: "search",
        base: rl("appAbCdEfGhIjKlMn", "id"),
        table: rl("Tasks", "id"),
        filterByFormula: "={Status} = 'Open'",
        limit: 10,
        options: { view: rl("Grid view", "list") },
      },
    });
    expect(app.parameters).toEqual({
      operation: "search",
      base: "appAbCdEfGhIjKlMn",
      table: "Tasks",
      filterByFormula: "{Status} = 'Open'",
      view: "Grid view",
      limit: 10,
    });
    const update = importOne({
      type: "n8n-nodes-base.airtable",
      typeVersion: 2,
      parameters: { operation: "update", base: rl("appAbCdEfGhIjKlMn"), table: rl("Tasks") },
    });
    expect(update.entry.message).toBe(
      'Airtable "update" has no Nodebase equivalent (create and search have)',
    );
  });
});

describe("n8n import: Notion", () => {
  it("v2 database page create: title, typed properties, paragraph blocks", () => {
    const { app, entry } = importOne({
      type: "n8n-nodes-base.notion",
      typeVersion: 2.2,
      parameters: {
        resource: "databasePage",
        databaseId: rl("0fe2f7de-558b-471e-ab07-e9d871cdf4a9", "list", "Tasks"),
        title: "={{ $json.subject }}",
        propertiesUi: {
          propertyValues: [
            { key: "Status|status", statusValue: "Open" },
            { key: "Tags|multi_select", multiSelectValue: ["a", "b"] },
            { key: "Points|number", numberValue: 3 },
            { key: "Done|checkbox", checkboxValue: true },
            { key: "Notes|rich_text", textContent: "={{ $json.body }}" },
            { key: "Due|date", range: true, dateStart: "2026-01-01", dateEnd: "2026-01-02" },
          ],
        },
        blockUi: { blockValues: [{ type: "paragraph", textContent: "Hello" }, { type: "heading_1" }] },
      },
    });
    expect(app.parameters).toEqual({
      operation: "create",
      databaseId: "0fe2f7de-558b-471e-ab07-e9d871cdf4a9",
      title: "{{ $json.subject }}",
      properties: {
        Status: "Open",
        Tags: ["a", "b"],
        Points: 3,
        Done: true,
        Notes: "{{ $json.body }}",
        Due: { date: { start: "2026-01-01", end: "2026-01-02" } },
      },
      content: "Hello",
    });
    expect(entry.status).toBe("approximated");
    expect(entry.message).toContain("only plain paragraph blocks are kept");
    expect(entry.message).toContain("needs a notionApi credential");
  });

  it("other resources and operations stay unsupported, naming them", () => {
    const { entry } = importOne({
      type: "n8n-nodes-base.notion",
      typeVersion: 2.2,
      parameters: { resource: "databasePage", operation: "update", pageId: rl("x", "url") },
    });
    expect(entry).toMatchObject({
      status: "unsupported",
      message: "Notion databasePage: update has no Nodebase equivalent (creating a database page has)",
    });
  });
});

describe("n8n import: GitHub", () => {
  it("v1 issue create: owner and repository pickers (name and URL), labels; assignees reported", () => {
    const { app, entry } = importOne({
      type: "n8n-nodes-base.github",
      typeVersion: 1.1,
      ...withCredential("githubApi"),
      parameters: {
        owner: rl("acme", "name"),
        repository: rl("https://github.com/acme/web.app", "url"),
        title: "=Bug: {{ $json.title }}",
        body: "Found by n8n",
        labels: [{ label: "bug" }, { label: "triage" }],
        assignees: [{ assignee: "ada" }],
      },
    });
    expect(app.parameters).toEqual({
      operation: "createIssue",
      owner: "acme",
      repo: "web.app",
      title: "Bug: {{ $json.title }}",
      body: "Found by n8n",
      labels: ["bug", "triage"],
    });
    expect(entry.status).toBe("approximated");
    expect(entry.message).toContain("assignees are not kept");
    expect(entry.message).toContain("pick a githubApi credential");
  });

  it("createComment converts (issue number may be an expression); a file operation does not", () => {
    const { app, entry } = importOne({
      type: "n8n-nodes-base.github",
      typeVersion: 1,
      parameters: {
        authentication: "oAuth2",
        operation: "createComment",
        owner: rl("acme"),
        repository: rl("web"),
        issueNumber: "={{ $json.number }}",
        body: "Thanks!",
      },
    });
    expect(app.parameters).toEqual({
      operation: "createComment",
      owner: "acme",
      repo: "web",
      issueNumber: "{{ $json.number }}",
      body: "Thanks!",
    });
    expect(entry).toEqual({
      nodeName: "App",
      status: "converted",
      message: "became github; needs a oauth2 (GitHub preset) credential",
    });
    const file = importOne({
      type: "n8n-nodes-base.github",
      typeVersion: 1,
      parameters: { resource: "file", operation: "create", owner: rl("a"), repository: rl("b") },
    });
    expect(file.entry.message).toBe(
      "GitHub file: create has no Nodebase equivalent (creating an issue or an issue comment has)",
    );
  });
});
