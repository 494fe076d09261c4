/**
 * Feed documents for the RSS trigger's tests, written the way real publishers write them (channel
 * metadata, namespaces, CDATA, RFC 822 dates in RSS, RFC 3339 in Atom), newest item first.
 */
export interface TestItem {
  title: string;
  link?: string;
  guid?: string;
  /** A Date for the feed's own date format. */
  date?: Date;
  content?: string;
}

const escape = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

export function rss2(items: TestItem[], title = "Test blog"): string {
  const entries = items.map(
    (item) => `
    <item>
      <title>${escape(item.title)}</title>
      ${item.link ? `<link>${escape(item.link)}</link>` : ""}
      ${item.guid ? `<guid isPermaLink="false">${escape(item.guid)}</guid>` : ""}
      ${item.date ? `<pubDate>${item.date.toUTCString()}</pubDate>` : ""}
      ${item.content ? `<content:encoded><![CDATA[${item.content}]]></content:encoded>` : ""}
    </item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${escape(title)}</title>
    <link>https://blog.example.com/</link>
    <atom:link href="https://blog.example.com/feed.xml" rel="self" type="application/rss+xml"/>
    <description>Posts</description>${entries.join("")}
  </channel>
</rss>`;
}

export function atom(items: TestItem[], title = "Test journal"): string {
  const entries = items.map(
    (item) => `
  <entry>
    <title type="text">${escape(item.title)}</title>
    ${item.link ? `<link rel="alternate" type="text/html" href="${escape(item.link)}"/>` : ""}
    <link rel="replies" href="https://journal.example.com/comments"/>
    ${item.guid ? `<id>${escape(item.guid)}</id>` : ""}
    ${item.date ? `<updated>${item.date.toISOString()}</updated>` : ""}
    ${item.content ? `<content type="html">${escape(item.content)}</content>` : ""}
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>${escape(title)}</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2026-01-01T00:00:00Z</updated>${entries.join("")}
</feed>`;
}
