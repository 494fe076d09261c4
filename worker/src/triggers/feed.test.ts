import { describe, expect, it } from "vitest";
import { atom, rss2 } from "../../test/fakes/feeds";
import { FeedError, MAX_FEED_ITEMS, parseFeed } from "./feed";

describe("parseFeed", () => {
  it("reads RSS 2.0 items: guid, RFC 822 date as ISO, content:encoded over description", () => {
    const xml = `<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel><title>Blog</title><link>https://b.example/</link>
    <item>
      <title>Caf&#233; &amp; tea</title>
      <link>https://b.example/2</link>
      <guid isPermaLink="false">0012</guid>
      <pubDate>Tue, 10 Jun 2025 04:00:00 +0200</pubDate>
      <description>short</description>
      <content:encoded><![CDATA[<p>Long <b>body</b> &amp;</p>]]></content:encoded>
    </item>
    <item><title>Only a description</title><description>&lt;i&gt;hi&lt;/i&gt;</description></item>
  </channel>
</rss>`;
    expect(parseFeed(xml)).toEqual([
      {
        title: "Café & tea",
        link: "https://b.example/2",
        guid: "0012",
        published: "2025-06-10T02:00:00.000Z",
        content: "<p>Long <b>body</b> &amp;</p>",
      },
      { title: "Only a description", link: null, guid: null, published: null, content: "<i>hi</i>" },
    ]);
  });

  it("reads one item as a list of one, and a channel without items as none", () => {
    const one = rss2([{ title: "Solo", guid: "g1" }]);
    expect(parseFeed(one).map((i) => i.guid)).toEqual(["g1"]);
    expect(parseFeed(rss2([]))).toEqual([]);
  });

  it("reads Atom entries: the alternate link, id, updated, html content; xhtml content as markup", () => {
    const date = new Date("2026-03-04T05:06:07Z");
    const [entry] = parseFeed(
      atom([{ title: "A <b>", link: "https://j.example/a", guid: "tag:j,1", date, content: "<p>x</p>" }]),
    );
    expect(entry).toEqual({
      title: "A <b>",
      link: "https://j.example/a",
      guid: "tag:j,1",
      published: "2026-03-04T05:06:07.000Z",
      content: "<p>x</p>",
    });
    const xhtml = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>e</id><title>T</title>
      <link href="https://j.example/e"/><published>2026-01-02T00:00:00+01:00</published>
      <summary>ignored when content exists</summary>
      <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello</p></div></content>
    </entry></feed>`;
    const [x] = parseFeed(xhtml);
    expect(x.link).toBe("https://j.example/e");
    expect(x.published).toBe("2026-01-01T23:00:00.000Z");
    expect(x.content).toContain("<p>Hello</p>");
  });

  it("reads RSS 1.0 (RDF): rdf:about as guid, dc:date", () => {
    const xml = `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://r.example/"><title>R</title><link>https://r.example/</link></channel>
  <item rdf:about="https://r.example/1"><title>One</title><link>https://r.example/1</link>
    <dc:date>2026-02-01T10:00:00Z</dc:date><description>d</description></item>
</rdf:RDF>`;
    expect(parseFeed(xml)).toEqual([
      {
        title: "One",
        link: "https://r.example/1",
        guid: "https://r.example/1",
        published: "2026-02-01T10:00:00.000Z",
        content: "d",
      },
    ]);
  });

  it("keeps a date it cannot read as written", () => {
    const xml = `<rss><channel><item><title>t</title><pubDate>sometime soon</pubDate></item></channel></rss>`;
    expect(parseFeed(xml)[0].published).toBe("sometime soon");
  });

  it("refuses what is not a feed, saying why", () => {
    expect(() => parseFeed("")).toThrow(new FeedError("the feed is empty"));
    expect(() => parseFeed("Service unavailable, try later")).toThrow(/the feed is not XML \(.+, line 1\)/);
    expect(() => parseFeed("<html><body><p>Moved<br></body></html>")).toThrow(/not XML/);
    expect(() => parseFeed("<html><body>A page</body></html>")).toThrow(
      /not an RSS or Atom feed \(its root element is <html>/,
    );
    expect(() => parseFeed('{"items": []}')).toThrow(FeedError);
  });

  it("bounds entity expansion (a billion-laughs document fails instead of growing)", () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
      <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
      <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
      <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
      <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
      <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">]>
      <rss><channel><item><title>&lol6;</title></item></channel></rss>`;
    let title: string | null = null;
    try {
      title = parseFeed(lol)[0]?.title ?? null;
    } catch {
      title = null;
    }
    expect((title ?? "").length).toBeLessThan(200_000);
  });

  it(`reads at most ${MAX_FEED_ITEMS} items, the first in the document`, () => {
    const items = Array.from({ length: MAX_FEED_ITEMS + 3 }, (_, i) => ({ title: `t${i}`, guid: `g${i}` }));
    const read = parseFeed(rss2(items));
    expect(read).toHaveLength(MAX_FEED_ITEMS);
    expect(read[0].guid).toBe("g0");
  });
});
