import { describe, expect, it } from "vitest";
import { assertProviderUrl } from "../credentials/oauth2";
import { createOutboundFetch } from "../engine/outbound-fetch";
import { privateHostReason } from "./private-host";

const hostOf = (url: string) => new URL(url).hostname;

describe("privateHostReason (the one SSRF rule)", () => {
  it.each([
    // The IPv6 forms issue 13 found open: IPv4 inside IPv6 (SIIT, mapped) and NAT64, local-use prefix too.
    "http://[::ffff:0:7f00:1]/",
    "http://[64:ff9b:1::7f00:1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[64:ff9b::a00:1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::127.0.0.1]/",
    "http://[2002:7f00:1::]/",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    "http://[::1]/",
    "http://[::]/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://[fec0::1]/",
    "http://[ff02::1]/",
    "http://127.0.0.1/",
    "http://127.1/",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0.0.0.0/",
    "http://10.1.2.3/",
    "http://100.64.0.1/",
    "http://169.254.169.254/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://198.18.0.1/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://localhost/",
    "http://a.localhost./",
    "http://metadata.google.internal/",
  ])("refuses %s", (url) => {
    expect(privateHostReason(hostOf(url))).not.toBeNull();
  });

  it.each([
    "http://example.com/",
    "http://93.184.216.34/",
    "http://[2606:4700::6810:84e5]/",
    "http://1.1.1.1/",
  ])("lets %s through", (url) => {
    expect(privateHostReason(hostOf(url))).toBeNull();
  });

  it("is the rule of both callers: node fetches and OAuth2 provider URLs agree", async () => {
    const production = { NODEBASE_ENV: "production" };
    const nodeFetch = createOutboundFetch(production, async () => new Response("reached"));
    for (const url of [
      "https://[::ffff:0:7f00:1]/token",
      "https://[64:ff9b:1::7f00:1]/token",
      "https://100.64.0.1/token",
    ]) {
      await expect(nodeFetch(url)).rejects.toThrow(/refused: a private address/);
      expect(() => assertProviderUrl(production, url, "token URL")).toThrow(/public host/);
    }
    expect(await (await nodeFetch("https://example.com/token")).text()).toBe("reached");
    expect(assertProviderUrl(production, "https://example.com/token", "token URL").host).toBe("example.com");
  });
});
