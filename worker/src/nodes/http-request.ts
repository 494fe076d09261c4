import { deadline } from "../net/deadline";
import { z } from "zod";
import { readUpTo } from "../engine/read-limited";
import { applyHttpAuth, httpAuthCredentialTypes } from "./http-auth";
import { defineNode } from "./node-type";

/** Larger answers are refused rather than read into the step's memory (the step output is capped anyway). */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** How much of an error answer's body goes into the node's error message. */
const ERROR_SNIPPET_CHARS = 200;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const parameters = z
  .object({
    method: z
      .enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
      .default("GET")
      .describe("HTTP method"),
    url: z
      .url({ protocol: /^https?$/ })
      .describe("Full http(s) URL, e.g. https://api.example.com/users/{{ $json.id }}"),
    headers: z.record(z.string().min(1), scalar).default({}).describe("Request headers, name → value"),
    query: z
      .record(z.string().min(1), z.union([scalar, z.array(scalar)]))
      .default({})
      .describe("Query string parameters added to the URL, name → value (a list repeats the name)"),
    body: z
      .unknown()
      .optional()
      .describe("Request body (not for GET/HEAD): any JSON value, text, or form fields"),
    bodyType: z
      .enum(["json", "text", "form"])
      .default("json")
      .describe(
        "json: body sent as JSON; text: sent as it is; form: an object sent as application/x-www-form-urlencoded",
      ),
    timeoutMs: z
      .number()
      .int()
      .min(1)
      .max(300_000)
      .default(30_000)
      .describe("Give up after this many milliseconds (at most 5 minutes)"),
    ignoreHttpErrors: z
      .boolean()
      .default(false)
      .describe(
        "Output non-2xx answers instead of failing the node (a failure is retried per the node's policy)",
      ),
    responseType: z
      .enum(["auto", "json", "text"])
      .default("auto")
      .describe("auto: parse JSON when the content-type says so; json: always parse; text: never parse"),
  })
  .strict();

type HttpRequestParams = z.infer<typeof parameters>;

/** Calls a URL and outputs `{ status, headers, body }`. */
export const httpRequest = defineNode({
  type: "httpRequest",
  version: 1,
  title: "HTTP request",
  description:
    "Calls a URL (any method, headers, query, JSON/text/form body) and outputs the status, headers and body.",
  category: "http",
  icon: "globe",
  parameters,
  credential: { types: httpAuthCredentialTypes, required: false },
  outputs: ["main"],
  async run(ctx) {
    const { params } = ctx;
    const url = buildUrl(params);
    const headers = new Headers(Object.entries(params.headers).map(([name, value]) => [name, String(value)]));
    applyHttpAuth(headers, ctx.credential);
    const body = encodeBody(params, headers);

    const timeout = deadline(params.timeoutMs);
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout.signal]) : timeout.signal;
    const where = `${params.method} ${url.origin}${url.pathname}`;
    try {
      const response = await ctx.fetch(url, { method: params.method, headers, body, signal });
      const text = params.method === "HEAD" ? "" : await readText(response, where);
      if (!response.ok && !params.ignoreHttpErrors) {
        const snippet = text.length > ERROR_SNIPPET_CHARS ? `${text.slice(0, ERROR_SNIPPET_CHARS)}…` : text;
        const status = [response.status, response.statusText].filter(Boolean).join(" ");
        throw new Error(`HTTP ${status} from ${where}${snippet.trim() === "" ? "" : `: ${snippet}`}`);
      }
      return {
        output: {
          status: response.status,
          headers: Object.fromEntries(response.headers),
          body: decodeBody(text, response.headers.get("content-type"), params.responseType, where),
        },
      };
    } catch (error) {
      if (timeout.signal.aborted) throw new Error(`Timed out after ${params.timeoutMs} ms: ${where}`);
      throw error;
    } finally {
      timeout.clear();
    }
  },
});

function buildUrl(params: HttpRequestParams): URL {
  const url = new URL(params.url);
  for (const [name, value] of Object.entries(params.query)) {
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
  }
  return url;
}

/** The body as fetch takes it; sets a content-type unless the request already names one. */
function encodeBody(params: HttpRequestParams, headers: Headers): string | undefined {
  if (params.body === undefined || params.body === null || params.body === "") return undefined;
  if (params.method === "GET" || params.method === "HEAD") {
    throw new Error(
      `A ${params.method} request cannot have a body; use the query parameters or another method`,
    );
  }
  const contentType = (type: string) => {
    if (!headers.has("content-type")) headers.set("content-type", type);
  };
  switch (params.bodyType) {
    case "json":
      contentType("application/json");
      return JSON.stringify(params.body);
    case "text":
      contentType("text/plain; charset=utf-8");
      return typeof params.body === "string" ? params.body : JSON.stringify(params.body);
    case "form": {
      const fields = params.body;
      if (typeof fields !== "object" || Array.isArray(fields)) {
        throw new Error("A form body must be an object of field names and values");
      }
      const form = new URLSearchParams();
      for (const [name, value] of Object.entries(fields as Record<string, unknown>)) {
        for (const item of Array.isArray(value) ? value : [value]) {
          if (item === undefined || item === null) continue;
          form.append(name, typeof item === "object" ? JSON.stringify(item) : String(item));
        }
      }
      contentType("application/x-www-form-urlencoded");
      return form.toString();
    }
  }
}

/** Reads the body as text, stopping at MAX_RESPONSE_BYTES instead of buffering an unbounded answer. */
async function readText(response: Response, where: string): Promise<string> {
  if (response.body === null) return "";
  const tooLarge = () => new Error(`The answer from ${where} is larger than ${MAX_RESPONSE_BYTES} bytes`);
  if (Number(response.headers.get("content-length") ?? 0) > MAX_RESPONSE_BYTES) {
    await response.body.cancel();
    throw tooLarge();
  }
  return new TextDecoder().decode(await readUpTo(response.body, MAX_RESPONSE_BYTES, tooLarge));
}

function decodeBody(
  text: string,
  contentType: string | null,
  responseType: HttpRequestParams["responseType"],
  where: string,
): unknown {
  if (responseType === "text") return text;
  const saysJson = contentType !== null && /[/+]json\b/i.test(contentType);
  if (responseType === "auto" && !saysJson) return text;
  if (text.trim() === "") return responseType === "json" ? null : text;
  try {
    return JSON.parse(text);
  } catch {
    // auto trusts the content-type only as far as the body allows; json was asked for explicitly.
    if (responseType === "auto") return text;
    throw new Error(`The answer from ${where} is not JSON: ${text.slice(0, ERROR_SNIPPET_CHARS)}`);
  }
}
