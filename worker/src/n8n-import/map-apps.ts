/**
 * Converters for n8n's HTTP, code and app nodes (the connectors with an API account are in map-connectors.ts). Credentials never come across (n8n's are encrypted with
 * that instance's key): a node that needs one says so in the report, and the person picks one.
 */
import { convertCode } from "./code";
import {
  list,
  needsCredential,
  NodeNotConverted,
  obj,
  str,
  type MapInput,
  type MapOutput,
  type NodeMapper,
} from "./mapping";
import { connectorDataPath } from "./map-connectors";
import { jsonWithHoles } from "./json-template";
import { convertValue, isExpressionString, locatorValue } from "./values";

const BODY_NOTE =
  "Nodebase outputs { status, headers, body }: expressions after it that read the answer were rewritten to read body";
const HTTP_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

function pairs(entries: Record<string, unknown>[], value: (v: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(entries.filter((p) => str(p.name)).map((p) => [str(p.name), value(p.value)]));
}

/** HTTP Request v3+/v4 (`sendQuery`/`sendHeaders`/`sendBody`) and the older v1/v2 parameter forms. */
function httpRequest(input: MapInput): MapOutput {
  const { params, version, value, ctx } = input;
  const method = str(params.method ?? params.requestMethod, "GET").toUpperCase();
  if (!HTTP_METHODS.has(method)) throw new NodeNotConverted(`the HTTP method ${method} is not supported`);
  const options = obj(params.options);
  const response = obj(obj(options.response).response);
  const parameters: Record<string, unknown> = { method, url: value(params.url) };
  if (version >= 3) {
    if (params.sendQuery)
      parameters.query =
        str(params.specifyQuery, "keypair") === "json"
          ? jsonWithHoles(params.jsonQuery, input, "JSON body")
          : pairs(list(obj(params.queryParameters).parameters), value);
    if (params.sendHeaders)
      parameters.headers =
        str(params.specifyHeaders, "keypair") === "json"
          ? jsonWithHoles(params.jsonHeaders, input, "JSON body")
          : pairs(list(obj(params.headerParameters).parameters), value);
    if (params.sendBody) {
      const contentType = str(params.contentType, "json");
      if (contentType === "raw") {
        parameters.body = value(params.body);
        parameters.bodyType = "text";
        const raw = str(params.rawContentType);
        if (raw) parameters.headers = { ...(parameters.headers as object), "content-type": raw };
      } else if (contentType === "json" || contentType === "form-urlencoded") {
        parameters.body =
          str(params.specifyBody, "keypair") === "json"
            ? jsonWithHoles(params.jsonBody, input, "JSON body")
            : pairs(list(obj(params.bodyParameters).parameters), value);
        parameters.bodyType = contentType === "json" ? "json" : "form";
      } else throw new NodeNotConverted(`sending a "${contentType}" body has no Nodebase equivalent`);
    }
    if (response.neverError === true) parameters.ignoreHttpErrors = true;
    const format = str(response.responseFormat, "autodetect");
    if (format === "json" || format === "text") parameters.responseType = format;
    if (format === "file")
      throw new NodeNotConverted("downloading a file (binary data) has no Nodebase equivalent");
    if (response.fullResponse !== true) ctx.notes.push(BODY_NOTE);
  } else {
    parameters.query = pairs(list(obj(params.queryParametersUi).parameter), value);
    parameters.headers = pairs(list(obj(params.headerParametersUi).parameter), value);
    if (method !== "GET" && method !== "HEAD")
      parameters.body = params.jsonParameters
        ? jsonWithHoles(params.bodyParametersJson, input, "JSON body")
        : pairs(list(obj(params.bodyParametersUi).parameter), value);
    if (options.fullResponse !== true) ctx.notes.push(BODY_NOTE);
  }
  if (typeof options.timeout === "number")
    parameters.timeoutMs = Math.min(300_000, Math.max(1, options.timeout));
  if (str(params.authentication, "none") !== "none") needsCredential(input, "HTTP auth");
  if (options.batching || options.pagination)
    ctx.notes.push("batching and pagination are not kept: one request per run");
  return { type: "httpRequest", parameters };
}

function code(input: MapInput): MapOutput {
  const { params, node } = input;
  const legacy = node.type === "n8n-nodes-base.function" || node.type === "n8n-nodes-base.functionItem";
  const language = str(params.language, "javaScript");
  if (!legacy && language !== "javaScript")
    throw new NodeNotConverted(`${language} code has no Nodebase equivalent (JavaScript only)`);
  const source = str(legacy ? params.functionCode : params.jsCode);
  if (!source.trim()) throw new NodeNotConverted("its code is empty");
  const eachItem =
    node.type === "n8n-nodes-base.functionItem" ||
    str(params.mode, "runOnceForAllItems") === "runOnceForEachItem";
  const { code: converted, notes } = convertCode({
    source,
    eachItem,
    inputPath: input.ctx.inputPath,
    nodePaths: input.nodePaths,
    itemVariable: node.type === "n8n-nodes-base.functionItem" ? "item" : undefined,
  });
  input.ctx.notes.push(...notes);
  return { type: "code", parameters: { code: converted, timeoutMs: 5000 } };
}

function telegram(input: MapInput): MapOutput {
  const { params, value } = input;
  const resource = str(params.resource, "message");
  const operation = str(params.operation, "sendMessage");
  if (resource !== "message" || operation !== "sendMessage")
    throw new NodeNotConverted(
      `Telegram ${resource}: ${operation} has no Nodebase equivalent (sendMessage has)`,
    );
  const parseMode = str(obj(params.additionalFields).parse_mode);
  needsCredential(input, "telegram");
  return {
    type: "telegram",
    parameters: {
      chatId: value(params.chatId),
      text: value(params.text),
      ...(parseMode ? { parseMode } : {}),
    },
  };
}

function emailSend(input: MapInput): MapOutput {
  const { params, value, ctx } = input;
  const format = str(params.emailFormat, "text");
  const parameters: Record<string, unknown> = {
    to: value(params.toEmail),
    subject: value(params.subject ?? ""),
    text: value(format === "html" ? "" : (params.text ?? "")),
  };
  if (format !== "text" && params.html !== undefined) parameters.html = value(params.html);
  const options = obj(params.options);
  if (params.ccEmail ?? options.ccEmail) parameters.cc = value(params.ccEmail ?? options.ccEmail);
  if (params.bccEmail ?? options.bccEmail) parameters.bcc = value(params.bccEmail ?? options.bccEmail);
  if (params.fromEmail)
    ctx.notes.push(`the sender comes from the smtp credential (n8n sent as ${str(params.fromEmail)})`);
  needsCredential(input, "smtp");
  return { type: "email", parameters };
}

function postgres(input: MapInput): MapOutput {
  const { params, value, ctx } = input;
  const operation = str(params.operation, "executeQuery");
  if (operation !== "executeQuery")
    throw new NodeNotConverted(`Postgres "${operation}" has no Nodebase equivalent (execute query has)`);
  const replacement = obj(params.options).queryReplacement ?? params.additionalFields;
  const values =
    typeof replacement === "string" && replacement && !replacement.startsWith("=")
      ? replacement.split(",").map((v) => v.trim())
      : [];
  if (typeof replacement === "string" && replacement.startsWith("="))
    ctx.notes.push("query parameters built by one expression are not kept: list them in params");
  ctx.notes.push(
    "outputs { rows, rowCount } (n8n gave one item per row): later expressions read the first row",
  );
  needsCredential(input, "postgres");
  return {
    type: "postgres",
    parameters: { query: value(params.query), params: values.map((v) => value(v)) },
  };
}

/** OpenAI: the old node's chat messages and the LangChain node's `messages.values`. */
function openAi(input: MapInput): MapOutput {
  const { params, value, ctx } = input;
  const resource = str(params.resource, "text");
  if (!["text", "chat"].includes(resource))
    throw new NodeNotConverted(`OpenAI "${resource}" has no Nodebase equivalent (chat completions have)`);
  const messages = list(obj(params.messages).values).concat(list(obj(params.prompt).messages));
  const system = messages.filter((m) => str(m.role) === "system").map((m) => str(m.content));
  const user = messages
    .filter((m) => str(m.role, "user") !== "system" && str(m.role, "user") !== "assistant")
    .map((m) => str(m.content));
  if (user.length === 0 && typeof params.prompt === "string") user.push(params.prompt);
  if (user.length === 0) throw new NodeNotConverted("it has no user message");
  const join = (parts: string[]) =>
    parts.some(isExpressionString)
      ? "=" + parts.map((p) => (isExpressionString(p) ? p.slice(1) : p)).join("\n\n")
      : parts.join("\n\n");
  ctx.notes.push(
    "outputs { text, usage, raw }: expressions after it that read OpenAI's message need $json.text",
  );
  needsCredential(input, "openai");
  return {
    type: "openai",
    parameters: {
      model: str(locatorValue(params.modelId ?? params.model), "gpt-4o-mini"),
      system: value(join(system)),
      prompt: value(join(user)),
    },
  };
}

function discord(input: MapInput): MapOutput {
  const { params, value } = input;
  const content = params.content ?? params.text;
  if (content === undefined)
    throw new NodeNotConverted("only sending a message through a webhook has a Nodebase equivalent");
  needsCredential(input, "discordWebhook");
  const username = obj(params.options).username ?? params.username;
  return {
    type: "discord",
    parameters: { content: value(content), ...(username ? { username: value(username) } : {}) },
  };
}

export const appMappers: Record<string, NodeMapper> = {
  "n8n-nodes-base.httpRequest": httpRequest,
  "n8n-nodes-base.code": code,
  "n8n-nodes-base.function": code,
  "n8n-nodes-base.functionItem": code,
  "n8n-nodes-base.telegram": telegram,
  "n8n-nodes-base.emailSend": emailSend,
  "n8n-nodes-base.postgres": postgres,
  "n8n-nodes-base.openAi": openAi,
  "@n8n/n8n-nodes-langchain.openAi": openAi,
  "n8n-nodes-base.discord": discord,
};

/** Where a node's n8n item lives in our output, when not at the root. */
export function dataPathOf(type: string, params: Record<string, unknown>): (string | number)[] {
  if (type === "n8n-nodes-base.httpRequest") {
    const full =
      obj(obj(obj(params.options).response).response).fullResponse === true ||
      obj(params.options).fullResponse === true;
    return full ? [] : ["body"];
  }
  if (type === "n8n-nodes-base.postgres") return ["rows", 0];
  return connectorDataPath(type, params);
}

export { convertValue };
