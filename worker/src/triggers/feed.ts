/**
 * Reading a feed document into the items the RSS trigger emits. RSS 2.0 (and 0.9x), Atom 1.0 and RSS 1.0
 * (RDF) are read with `fast-xml-parser` (pure JavaScript, so it runs in a Worker; its entity expansion is
 * bounded by default, and it validates the document first, so a page that is not XML is a clear error
 * instead of a half-read object). Why that library: docs/nodes.md#rsstrigger.
 *
 * An item is `{ title, link, guid, published, content }`, every field a string or null; `published` is ISO
 * 8601 when the feed's date can be read, else the feed's own text.
 */
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";

export interface FeedItem {
  title: string | null;
  link: string | null;
  guid: string | null;
  published: string | null;
  content: string | null;
}

/** A document that is not a feed; the message says why, for the user who configured the URL. */
export class FeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FeedError";
  }
}

/** Items past this many (in document order, newest first in nearly every feed) are not read. */
export const MAX_FEED_ITEMS = 500;

const ATTR = "@_";
const options = {
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  // Keep every value a string: a guid "0012" must not become the number 12.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Numeric character references (`&#233;`) are XML, and feeds use them; the option also reads HTML's named
  // entities, which sloppy feeds put in raw text. CDATA is never decoded.
  htmlEntities: true,
  isArray: (name: string, jPath: unknown) =>
    name === "item" || name === "entry" || (typeof jPath === "string" && jPath === "feed.entry.link"),
};
const parser = new XMLParser(options);
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: ATTR });

/** The items of an RSS 2.0, Atom or RSS 1.0 document, in document order. Throws `FeedError`. */
export function parseFeed(xml: string): FeedItem[] {
  const text = xml.replace(/^\uFEFF/, "").trim();
  if (text === "") throw new FeedError("the feed is empty");
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new FeedError(`the feed is not XML (${valid.err.msg.replace(/\.$/, "")}, line ${valid.err.line})`);
  }
  const doc = parser.parse(text) as Record<string, unknown>;
  const root = Object.keys(doc).find((key) => !key.startsWith("?") && !key.startsWith("!"));
  const top = asObject(root === undefined ? undefined : doc[root]);
  if (root === "rss") {
    return listOf(asObject(top.channel).item).slice(0, MAX_FEED_ITEMS).map(rssItem);
  }
  if (root === "rdf:RDF") return listOf(top.item).slice(0, MAX_FEED_ITEMS).map(rdfItem);
  if (root === "feed") return listOf(top.entry).slice(0, MAX_FEED_ITEMS).map(atomEntry);
  throw new FeedError(
    `the document is not an RSS or Atom feed (its root element is <${root ?? "nothing"}>, not <rss>, <feed> or <rdf:RDF>)`,
  );
}

function rssItem(raw: unknown): FeedItem {
  const item = asObject(raw);
  return {
    title: textOf(item.title),
    link: firstText(item.link),
    guid: textOf(item.guid),
    published: dateOf(textOf(item.pubDate) ?? textOf(item["dc:date"])),
    content: textOf(item["content:encoded"]) ?? textOf(item.description),
  };
}

function rdfItem(raw: unknown): FeedItem {
  const item = asObject(raw);
  return {
    title: textOf(item.title),
    link: firstText(item.link),
    guid: textOf(item[`${ATTR}rdf:about`]),
    published: dateOf(textOf(item["dc:date"])),
    content: textOf(item["content:encoded"]) ?? textOf(item.description),
  };
}

function atomEntry(raw: unknown): FeedItem {
  const entry = asObject(raw);
  const links = listOf(entry.link).map(asObject);
  // The entry's own page is the `alternate` link (a link without `rel` is one, RFC 4287 §4.2.7.2).
  const page = links.find((l) => l[`${ATTR}rel`] === undefined || l[`${ATTR}rel`] === "alternate");
  return {
    title: textOf(entry.title),
    link: textOf((page ?? links[0])?.[`${ATTR}href`]),
    guid: textOf(entry.id),
    published: dateOf(textOf(entry.published) ?? textOf(entry.updated)),
    content: atomText(entry.content) ?? atomText(entry.summary),
  };
}

/** Atom text constructs: `type="xhtml"` content is markup, given back as its XHTML source. */
function atomText(value: unknown): string | null {
  const plain = textOf(value);
  if (plain !== null || value === undefined || typeof value !== "object" || value === null) return plain;
  const children = Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith(ATTR)));
  const markup = String(builder.build(children)).trim();
  return markup === "" ? null : markup;
}

function textOf(value: unknown): string | null {
  if (typeof value === "string") return value === "" ? null : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value !== null && typeof value === "object" && "#text" in value) return textOf(value["#text"]);
  return null;
}

function firstText(value: unknown): string | null {
  for (const one of listOf(value)) {
    const text = textOf(one);
    if (text !== null) return text;
  }
  return null;
}

/** ISO 8601 for a date `Date` can read (RFC 822 of RSS, RFC 3339 of Atom and Dublin Core), else as written. */
function dateOf(text: string | null): string | null {
  if (text === null) return null;
  const time = Date.parse(text);
  return Number.isNaN(time) ? text : new Date(time).toISOString();
}

function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
