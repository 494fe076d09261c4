/**
 * Converters for n8n's app nodes that call an API with an account: Google Sheets, Airtable, Notion,
 * GitHub, Slack (bot token) and Gmail. Parameter shapes read from n8n's node descriptions (Sheets v3/v4.x,
 * Airtable v2, Notion v1/v2, GitHub v1, Slack v1/v2, Gmail v2); an operation we have no node for stays unsupported
 * and says which. Credentials never come across: the report names the credential type to pick.
 */
import { list, needsCredential, NodeNotConverted, obj, str, type MapInput, type MapOutput } from "./mapping";
import type { NodeMapper } from "./mapping";
import { isExpressionString, locatorName, locatorValue } from "./values";

/** n8n's resource locator `{ __rl, mode, value }`, or the plain value older versions store. */
function locatorMode(value: unknown): string | undefined {
  const mode = obj(value).mode;
  return typeof mode === "string" ? mode : undefined;
}

function required(input: MapInput, raw: unknown, what: string): unknown {
  const v = locatorValue(raw);
  if (v === undefined || v === null || v === "" || v === "=")
    throw new NodeNotConverted(`its ${what} is empty`);
  return input.value(v);
}

function googleSheets(input: MapInput): MapOutput {
  const { params, version, ctx } = input;
  // n8n's default operation is read: an export leaves out a default, so no operation means read.
  const resource = str(params.resource, "sheet");
  const operation = str(params.operation, "read");
  if (resource !== "sheet")
    throw new NodeNotConverted(`Google Sheets ${resource}: ${operation} has no Nodebase equivalent`);
  if (version < 3)
    throw new NodeNotConverted(
      `Google Sheets v${version} (sheetId and range) is not converted; only v3 and v4 (document and sheet pickers) are`,
    );
  if (operation !== "append")
    throw new NodeNotConverted(
      `Google Sheets "${operation}" has no Nodebase equivalent (append has; read is not converted)`,
    );
  const options = obj(params.options);
  const columns = obj(params.columns);
  const mode = str(version >= 4 ? columns.mappingMode : params.dataMode, "defineBelow");
  if (mode !== "defineBelow" && mode !== "autoMapInputData")
    throw new NodeNotConverted(`Google Sheets append with data mode "${mode}" writes nothing`);

  const parameters: Record<string, unknown> = {
    operation: "append",
    documentId: required(input, params.documentId, "document"),
    sheetName: sheetName(input, params.sheetName),
    mappingMode: mode,
    // n8n's default changed at v4.1: RAW before, USER_ENTERED since.
    cellFormat: str(options.cellFormat, version < 4.1 ? "RAW" : "USER_ENTERED"),
  };
  const headerRow = obj(obj(options.locationDefine).values).headerRow;
  if (typeof headerRow === "number" && headerRow >= 1) parameters.headerRow = Math.floor(headerRow);
  if (mode === "defineBelow") {
    parameters.values =
      version >= 4
        ? input.value(obj(columns.value))
        : Object.fromEntries(
            list(obj(params.fieldsUi).fieldValues)
              .filter((f) => str(f.fieldId))
              .map((f) => [str(f.fieldId), input.value(f.fieldValue ?? "")]),
          );
  } else {
    const extra = str(options.handlingExtraData, "insertInNewColumn");
    parameters.handlingExtraData = extra === "ignoreIt" ? "ignoreIt" : "error";
    if (extra === "insertInNewColumn")
      ctx.notes.push(
        "a field with no column of that name fails the node (n8n added a column for it): set handlingExtraData to ignoreIt to leave it out",
      );
  }
  ctx.notes.push(
    "outputs { spreadsheetId, updatedRange, updatedRows, rows } (n8n gave the appended rows): later expressions read the first row",
  );
  needsCredential(input, "oauth2 (Google preset, spreadsheets scope)");
  return { type: "googleSheets", parameters };
}

/** Ours names the sheet (tab); n8n's picker stores `gid=0` or the numeric id, with the name it showed. */
function sheetName(input: MapInput, raw: unknown): unknown {
  const mode = locatorMode(raw);
  if (mode === undefined || mode === "name") return required(input, raw, "sheet");
  const cached = locatorName(raw);
  if (cached) return cached;
  throw new NodeNotConverted(
    `its sheet is chosen by id (${str(locatorValue(raw))}) and the export does not name it: Nodebase needs the sheet's name`,
  );
}

const AIRTABLE_BASE = /\b(app[A-Za-z0-9]{14})\b/;
const AIRTABLE_TABLE = /\b(tbl[A-Za-z0-9]{14})\b/;

function airtable(input: MapInput): MapOutput {
  const { params, version, ctx } = input;
  // n8n's own default here is "read", which names no operation: an export states the one it uses.
  const resource = str(params.resource, "record");
  const operation = str(params.operation, "read");
  if (resource !== "record")
    throw new NodeNotConverted(`Airtable ${resource}: ${operation} has no Nodebase equivalent`);
  if (version < 2)
    throw new NodeNotConverted(
      `Airtable v${version} is not converted; only v2 (base and table pickers, columns) is`,
    );
  if (operation !== "create" && operation !== "search")
    throw new NodeNotConverted(`Airtable "${operation}" has no Nodebase equivalent (create and search have)`);
  const fromUrl = (raw: unknown, pattern: RegExp, what: string) => {
    const v = required(input, raw, what);
    return locatorMode(raw) === "url" && typeof v === "string" ? (pattern.exec(v)?.[1] ?? v) : v;
  };
  const options = obj(params.options);
  const parameters: Record<string, unknown> = {
    operation,
    base: fromUrl(params.base, AIRTABLE_BASE, "base"),
    table: fromUrl(params.table, AIRTABLE_TABLE, "table"),
  };
  if (operation === "create") {
    const columns = obj(params.columns);
    if (str(columns.mappingMode, "defineBelow") !== "defineBelow")
      throw new NodeNotConverted(
        "Airtable create that maps the input automatically is not converted: map each column",
      );
    parameters.fields = input.value(obj(columns.value));
    if (options.typecast === true) parameters.typecast = true;
  } else {
    if (params.filterByFormula) parameters.filterByFormula = input.value(params.filterByFormula);
    const view = locatorValue(options.view);
    if (view) parameters.view = input.value(view);
    if (params.returnAll === true) parameters.returnAll = true;
    if (typeof params.limit === "number") parameters.limit = Math.min(100, Math.max(1, params.limit));
    ctx.notes.push(
      "outputs { records, count, hasMore } (n8n gave one item per record): later expressions read the first record",
    );
  }
  needsCredential(input, "airtableTokenApi");
  return { type: "airtable", parameters };
}

/** n8n's Notion property value fields by property type (the key is "Name|type"). */
const NOTION_VALUE_FIELD: Record<string, string> = {
  title: "title",
  phone_number: "phoneValue",
  multi_select: "multiSelectValue",
  select: "selectValue",
  status: "statusValue",
  email: "emailValue",
  url: "urlValue",
  people: "peopleValue",
  relation: "relationValue",
  checkbox: "checkboxValue",
  number: "numberValue",
};

function notion(input: MapInput): MapOutput {
  const { params, ctx } = input;
  const resource = str(params.resource, "page");
  const operation = str(params.operation, "create");
  if (resource !== "databasePage" || operation !== "create")
    throw new NodeNotConverted(
      `Notion ${resource}: ${operation} has no Nodebase equivalent (creating a database page has)`,
    );
  const parameters: Record<string, unknown> = {
    operation: "create",
    databaseId: required(input, params.databaseId, "database"),
  };
  if (str(params.title)) parameters.title = input.value(params.title);
  const properties: Record<string, unknown> = {};
  for (const entry of list(obj(params.propertiesUi).propertyValues)) {
    const key = str(entry.key);
    const bar = key.lastIndexOf("|");
    const name = bar > 0 ? key.slice(0, bar) : key;
    const type = bar > 0 ? key.slice(bar + 1) : str(entry.type);
    if (!name) continue;
    properties[name] = notionProperty(input, name, type, entry);
  }
  parameters.properties = properties;
  const blocks = list(obj(params.blockUi).blockValues);
  const paragraphs = blocks
    .filter((b) => str(b.type, "paragraph") === "paragraph" && b.richText !== true)
    .map((b) => b.textContent)
    .filter((t) => typeof t === "string" && t !== "");
  if (paragraphs.length > 0) parameters.content = input.value(joinTexts(paragraphs as string[]));
  if (paragraphs.length < blocks.length)
    ctx.notes.push("only plain paragraph blocks are kept (headings, lists, rich text blocks are not)");
  if (str(obj(params.options).icon)) ctx.notes.push("the page icon is not kept");
  if (params.simple !== false)
    ctx.notes.push(
      "outputs { id, url, created_time, last_edited_time, properties } (n8n's simplified page had property_<name> fields)",
    );
  needsCredential(input, "notionApi");
  return {
    type: "notion",
    parameters: params.simple === false ? { ...parameters, simple: false } : parameters,
  };
}

function notionProperty(input: MapInput, name: string, type: string, entry: Record<string, unknown>) {
  const { value, ctx } = input;
  if (type === "rich_text") {
    if (entry.richText !== true) return value(entry.textContent ?? "");
    const parts = list(obj(entry.text).text).map((t) => str(t.text));
    ctx.notes.push(`property "${name}": rich text formatting is not kept (its text is)`);
    return value(joinTexts(parts, ""));
  }
  if (type === "date") {
    if (entry.range === true)
      return { date: { start: value(entry.dateStart ?? ""), end: value(entry.dateEnd ?? "") } };
    return value(entry.date ?? "");
  }
  if (type === "files")
    return {
      files: list(obj(entry.fileUrls).fileUrl).map((f) => ({
        name: value(f.name ?? ""),
        type: "external",
        external: { url: value(f.url ?? "") },
      })),
    };
  const field = NOTION_VALUE_FIELD[type];
  if (!field)
    throw new NodeNotConverted(`its Notion property "${name}" of type ${type || "(none)"} is not converted`);
  return value(entry[field] ?? (type === "checkbox" ? false : ""));
}

/** Joins texts, some of which may be n8n expression strings, into one (an expression if any is). */
function joinTexts(parts: string[], separator = "\n\n"): string {
  return parts.some(isExpressionString)
    ? "=" + parts.map((p) => (isExpressionString(p) ? p.slice(1) : p)).join(separator)
    : parts.join(separator);
}

function github(input: MapInput): MapOutput {
  const { params, ctx, value } = input;
  const resource = str(params.resource, "issue");
  const operation = str(params.operation, "create");
  if (resource !== "issue" || (operation !== "create" && operation !== "createComment"))
    throw new NodeNotConverted(
      `GitHub ${resource}: ${operation} has no Nodebase equivalent (creating an issue or an issue comment has)`,
    );
  const owner = required(input, params.owner, "repository owner");
  const repo = required(input, params.repository, "repository");
  const fromUrl = (v: unknown, raw: unknown, part: number) =>
    locatorMode(raw) === "url" && typeof v === "string"
      ? (/github\.com\/([^/?#]+)(?:\/([^/?#]+))?/.exec(v)?.[part] ?? v)
      : v;
  const parameters: Record<string, unknown> = {
    operation: operation === "create" ? "createIssue" : "createComment",
    owner: fromUrl(owner, params.owner, 1),
    repo: fromUrl(repo, params.repository, 2),
  };
  if (operation === "create") {
    parameters.title = value(params.title ?? "");
    if (str(params.body)) parameters.body = value(params.body);
    const labels = list(params.labels)
      .map((l) => l.label)
      .filter((l) => typeof l === "string" && l !== "");
    if (labels.length > 0) parameters.labels = labels.map((l) => value(l));
    if (list(params.assignees).some((a) => str(a.assignee)))
      ctx.notes.push("assignees are not kept (ours creates the issue without them)");
  } else {
    parameters.issueNumber = value(params.issueNumber);
    parameters.body = value(params.body ?? "");
  }
  needsCredential(input, str(params.authentication) === "oAuth2" ? "oauth2 (GitHub preset)" : "githubApi");
  return { type: "github", parameters };
}

/** Slack v2 `channelId`/`user` pickers and v1's `channel` text → our channel (id, #name or user id). */
function slackChannel(input: MapInput): unknown {
  const { params, ctx } = input;
  if (str(params.select, "channel") === "user") {
    const user = params.user;
    if (locatorMode(user) === "username")
      ctx.notes.push("n8n named the user by username: our node needs the user's id (U…)");
    return required(input, user, "user");
  }
  const raw = params.channelId ?? params.channel;
  const v = required(input, raw, "channel");
  if (typeof v !== "string") return v;
  if (locatorMode(raw) === "url") return /\/([CGD][A-Z0-9]{6,})(?:[/?#]|$)/.exec(v)?.[1] ?? v;
  // A name (v2's "name" mode, or v1's text when it is not an id) needs its # for chat.postMessage.
  const named =
    locatorMode(raw) === "name" || (locatorMode(raw) === undefined && !/^[CGDU][A-Z0-9]{6,}$/.test(v));
  if (named && !v.startsWith("#") && !v.includes("{{")) return `#${v}`;
  return v;
}

function slack(input: MapInput): MapOutput {
  const { params, ctx, value } = input;
  const resource = str(params.resource, "message");
  const operation = str(params.operation, "post");
  if (resource !== "message" || (operation !== "post" && operation !== "send"))
    throw new NodeNotConverted(
      `Slack ${resource}: ${operation} has no Nodebase equivalent (posting a message has)`,
    );
  const messageType = str(params.messageType, "text");
  const text = params.text;
  if (messageType !== "text") {
    if (!str(text))
      throw new NodeNotConverted(`a Slack "${messageType}" message without text has no Nodebase equivalent`);
    ctx.notes.push(`its ${messageType} content is not kept: the message is its notification text`);
  }
  if (!str(text)) throw new NodeNotConverted("its message text is empty");
  const parameters: Record<string, unknown> = { channel: slackChannel(input), text: value(text) };
  const reply = obj(obj(obj(params.otherOptions).thread_ts).replyValues);
  const ts = reply.thread_ts ?? reply.timestamp_reply;
  if (ts !== undefined && ts !== "") parameters.threadTs = typeof ts === "number" ? String(ts) : value(ts);
  if (list(params.attachments).length > 0) ctx.notes.push("attachments are not kept");
  needsCredential(
    input,
    str(params.authentication) === "oAuth2" ? "oauth2 (Slack preset)" : "slackApi (bot token)",
  );
  return { type: "slackMessage", parameters };
}

/** Gmail v2 message send → our gmail node (same fields, our names; recipients stay comma-separated text). */
function gmail(input: MapInput): MapOutput {
  const { params, version, ctx, value } = input;
  const resource = str(params.resource, "message");
  const operation = str(params.operation, "send");
  if (resource !== "message" || operation !== "send")
    throw new NodeNotConverted(
      `Gmail ${resource}: ${operation} has no Nodebase equivalent (sending a message has)`,
    );
  if (version < 2)
    throw new NodeNotConverted(`Gmail v${version} is not converted; only v2 (sendTo, message) is`);
  const options = obj(params.options);
  // n8n's default email type became html at v2.1.
  const bodyType = str(params.emailType, version >= 2.1 ? "html" : "text") === "html" ? "html" : "text";
  const parameters: Record<string, unknown> = {
    to: required(input, params.sendTo, "recipient"),
    subject: value(params.subject ?? ""),
    body: value(params.message ?? ""),
    bodyType,
  };
  if (str(options.ccList)) parameters.cc = value(options.ccList);
  if (str(options.bccList)) parameters.bcc = value(options.bccList);
  if (str(options.replyTo)) parameters.replyTo = value(options.replyTo);
  if (str(options.senderName)) parameters.senderName = value(options.senderName);
  if (options.appendAttribution !== false)
    ctx.notes.push('n8n\'s line "This email was sent automatically with n8n" is not appended');
  if (list(obj(options.attachmentsUi).attachmentsBinary).length > 0)
    ctx.notes.push("attachments (binary data) are not kept");
  needsCredential(input, "oauth2 (Google preset, gmail.send scope)");
  return { type: "gmail", parameters };
}

export const connectorMappers: Record<string, NodeMapper> = {
  "n8n-nodes-base.googleSheets": googleSheets,
  "n8n-nodes-base.airtable": airtable,
  "n8n-nodes-base.notion": notion,
  "n8n-nodes-base.github": github,
  "n8n-nodes-base.slack": slack,
  "n8n-nodes-base.gmail": gmail,
};

/** Where n8n's item lives in these nodes' output, when not at the root. */
export function connectorDataPath(type: string, params: Record<string, unknown>): (string | number)[] {
  if (type === "n8n-nodes-base.googleSheets" && str(params.operation) === "append") return ["rows", 0];
  if (type === "n8n-nodes-base.airtable" && str(params.operation) === "search") return ["records", 0];
  return [];
}
