import { describe, expect, inject, it } from "vitest";
import { createOutboundFetch, privateHostReason } from "./outbound-fetch";

const echo = inject("echoServerUrl");
const production = createOutboundFetch({ NODEBASE_ENV: "production" });
const development = createOutboundFetch({ NODEBASE_ENV: "development" });

describe("outbound fetch in production", () => {
  it.each([
    "http://127.0.0.1/",
    "http://127.1.2.3:8080/x",
    "http://2130706433/", // 127.0.0.1 written as one number
    "http://0x7f.0.0.1/",
    "http://10.0.0.5/",
    "http://172.16.0.1/",
    "http://172.31.255.255/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://[::1]/",
    "http://[::]/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://[fc00::abcd]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.1.2.3]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://localhost:8787/",
    "http://LOCALHOST/",
    "http://api.localhost/",
    "http://metadata.google.internal/",
    "http://localhost./",
  ])("refuses %s", async (url) => {
    await expect(production(url)).rejects.toThrow(/refused/);
  });

  it("refuses schemes other than http and https", async () => {
    await expect(production("ftp://example.com/file")).rejects.toThrow(/only http and https/);
    await expect(development("file:///etc/passwd")).rejects.toThrow(/only http and https/);
  });

  it("refuses a Request object aimed at a private host too", async () => {
    await expect(production(new Request("http://192.168.0.10/"))).rejects.toThrow(/refused/);
  });

  it("lets public addresses through the host check", () => {
    for (const host of ["example.com", "93.184.216.34", "172.32.0.1", "[2606:4700::6810:84e5]", "1.1.1.1"]) {
      expect(privateHostReason(new URL(`http://${host}/`).hostname), host).toBeNull();
    }
  });
});

describe("outbound fetch in development", () => {
  it("reaches a server on 127.0.0.1", async () => {
    const response = await development(`${echo}/echo?a=1`, { method: "POST", body: "hi" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ method: "POST", path: "/echo", query: "?a=1", body: "hi" });
  });
});
