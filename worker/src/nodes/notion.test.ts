import { NonRetryableError } from "cloudflare:workflows";
import { describe, expect, inject, it } from "vitest";
import { runContext } from "../../test/fakes/run-context";
import { ConnectorError } from "./lib/json-api";
import { notion } from "./notion";

/** Against a server shaped like the Notion API (worker/test/fakes/notion-api.global.ts). */
const baseUrl = inject("notionApiUrl");
const withKey = (apiKey = "ntn_live_123") => ({
  credential: { type: "notionApi", data: { apiKey, baseUrl } },
});
const schema = {
  Name: "title",
  Status: "status",
  Tags: "multi_select",
  Due: "date",
  Points: "number",
  Done: "checkbox",
  Notes: "rich_text",
};
/** A fresh database per test. */
async function database(): Promise<string> {
  const id = crypto.randomUUID().replaceAll("-", "");
  await fetch(`${baseUrl}/__databases/${id}`, {
    method: "POST",
    body: JSON.stringify({ properties: schema }),
  });
  return id;
}
const pagesIn = async (id: string) =>
  (await (await fetch(`${baseUrl}/__databases/${id}`)).json()) as {
    properties: Record<string, unknown>;
    children: unknown[];
  }[];
const run = (params: Record<string, unknown>, credential = withKey()) =>
  notion.run(runContext(notion, params, credential));

describe("notion node", () => {
  it("creates a page from plain values, written in each property type's shape, and outputs it simplified", async () => {
    const id = await database();
    const result = await run({
      databaseId: `https://www.notion.so/acme/Tasks-${id}?v=abc`,
      title: "Ship v2",
      properties: {
        Status: "In progress",
        Tags: ["ops", "web"],
        Due: "2026-12-24",
        Points: "5",
        Done: false,
        Notes: "x".repeat(2500),
      },
      content: "First paragraph.\n\nSecond one.",
    });
    const [page] = await pagesIn(id);
    expect(page.properties).toMatchObject({
      Name: { type: "title", title: [{ plain_text: "Ship v2" }] },
      Status: { status: { name: "In progress" } },
      Tags: { multi_select: [{ name: "ops" }, { name: "web" }] },
      Due: { date: { start: "2026-12-24" } },
      Points: { number: 5 },
      Done: { checkbox: false },
    });
    expect((page.properties.Notes as { rich_text: unknown[] }).rich_text).toHaveLength(2);
    expect(page.children).toEqual([
      {
        object: "block",
        type: "paragraph",
        paragraph: { rich_text: [{ type: "text", text: { content: "First paragraph." } }] },
      },
      {
        object: "block",
        type: "paragraph",
        paragraph: { rich_text: [{ type: "text", text: { content: "Second one." } }] },
      },
    ]);
    expect(result.output).toMatchObject({
      url: expect.stringMatching(/^https:\/\/www\.notion\.so\//),
      properties: {
        Name: "Ship v2",
        Status: "In progress",
        Tags: ["ops", "web"],
        Due: "2026-12-24",
        Points: 5,
        Done: false,
        Notes: "x".repeat(2500),
      },
    });
  });

  it("takes Notion's own property object as is, and refuses an unknown property before writing", async () => {
    const id = await database();
    await run({ databaseId: id, title: "Raw", properties: { Status: { status: { name: "Done" } } } });
    expect((await pagesIn(id))[0].properties.Status).toMatchObject({ status: { name: "Done" } });
    const failure = await run({ databaseId: id, title: "T", properties: { Stauts: "Done" } }).catch((e) => e);
    expect(failure).toBeInstanceOf(NonRetryableError);
    expect(failure.message).toBe(
      'Notion: the database has no property "Stauts" (it has: Name, Status, Tags, Due, Points, Done, Notes)',
    );
    expect(await pagesIn(id)).toHaveLength(1);
  });

  it("gets the pages with a filter and sorts, page by page with returnAll, simplified or raw", async () => {
    const id = await database();
    for (const [name, status, points] of [
      ["a", "Done", 3],
      ["b", "Todo", 1],
      ["c", "Done", 2],
    ] as const)
      await run({ databaseId: id, title: name, properties: { Status: status, Points: points } });
    const done = await run({
      operation: "getAll",
      databaseId: id,
      filter: { property: "Status", status: { equals: "Done" } },
      sorts: [{ property: "Points", direction: "ascending" }],
    });
    expect(
      (done.output as { pages: { properties: { Name: string } }[] }).pages.map((p) => p.properties.Name),
    ).toEqual(["c", "a"]);
    expect(done.output).toMatchObject({ count: 2, hasMore: false });
    const first = await run({ operation: "getAll", databaseId: id, limit: 2 });
    expect(first.output).toMatchObject({ count: 2, hasMore: true });
    for (let i = 0; i < 100; i++) await run({ databaseId: id, title: `bulk ${i}` });
    const all = await run({ operation: "getAll", databaseId: id, returnAll: true, simple: false });
    expect(all.output).toMatchObject({ count: 103, hasMore: false });
    expect(
      (all.output as { pages: { properties: { Name: unknown } }[] }).pages[0].properties.Name,
    ).toMatchObject({ type: "title" });
  });

  it("fails at once with Notion's words: bad token, database not shared, invalid value, invalid filter", async () => {
    const id = await database();
    for (const [params, key, message] of [
      [{ databaseId: id, title: "t" }, "ntn_revoked_1", "Notion answered 401: API token is invalid."],
      [
        { databaseId: "0".repeat(32), title: "t" },
        undefined,
        "Notion answered 404: Could not find database with ID: 00000000-0000-0000-0000-000000000000. Make sure the relevant pages and databases are shared with your integration.",
      ],
      [
        { databaseId: id, properties: { Due: "next week" } },
        undefined,
        "Notion answered 400: body failed validation: Due.date.start should be a valid ISO 8601 date string.",
      ],
      [
        { operation: "getAll", databaseId: id, filter: { property: "Points", number: { greater_than: 1 } } },
        undefined,
        "Notion answered 400: body failed validation: only equals filters are supported here",
      ],
    ] as const) {
      await run({ databaseId: id, title: "seed" });
      const failure = await run(params, withKey(key)).catch((e) => e);
      expect(failure).toBeInstanceOf(NonRetryableError);
      expect(failure.message).toBe(message);
    }
    const number = await run({ databaseId: id, properties: { Points: "many" } }).catch((e) => e);
    expect(number.message).toBe('Notion: property "Points" needs a number, got "many"');
  });

  it("a rate limit (429 with Retry-After) is left to the node's retry policy after one create call", async () => {
    const failure = await run({ databaseId: `${"f".repeat(28)}0429`, title: "t" }).catch((e) => e);
    expect(failure).toBeInstanceOf(ConnectorError);
    expect(failure).not.toBeInstanceOf(NonRetryableError);
    expect(failure.message).toBe(
      "Notion answered 429: You have been rate limited. Please try again in a few minutes.",
    );
    expect(notion.idempotent).toBe(false);
  });

  it("checks its parameters", () => {
    const parse = (p: Record<string, unknown>) => notion.parameters.safeParse(p);
    expect(parse({ databaseId: "not-an-id" }).success).toBe(false);
    expect(parse({ databaseId: "2f1c0a6d-9e8b-4c3a-8d7e-1a2b3c4d5e6f" }).data?.databaseId).toBe(
      "2f1c0a6d9e8b4c3a8d7e1a2b3c4d5e6f",
    );
    expect(parse({ databaseId: "2f1c0a6d9e8b4c3a8d7e1a2b3c4d5e6f", limit: 101 }).success).toBe(false);
  });
});
