/**
 * A throw-away certificate authority for the TLS tests (runs in Node: vitest.config.ts and the globalSetup
 * servers). workerd verifies every TLS peer against its trusted CAs, so a local server's certificate must
 * chain to one it trusts: vitest.config.ts gives workerd this CA through miniflare's `outboundService`
 * network `tlsOptions.trustedCertificates` (nothing else is trusted less: the public CAs stay, verification
 * stays on). The SMTP and PostgreSQL test servers present `cert`/`key`, issued by the CA for `localhost`
 * and 127.0.0.1; `untrustedCert`/`untrustedKey` are self-signed, to check that verification really happens.
 *
 * Made at test time with Debian's `openssl` (ECDSA P-256, valid two days) in a temp dir removed on exit.
 * Without `openssl` the TLS tests are skipped with a visible message, except under CI=true, where this
 * fails. Made once per process: the config and every globalSetup share it through NODEBASE_TEST_TLS_DIR.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificates {
  caPem: string;
  certPath: string;
  keyPath: string;
  untrustedCertPath: string;
  untrustedKeyPath: string;
}

const files = (dir: string): TestCertificates => ({
  caPem: readFileSync(join(dir, "ca.pem"), "utf8"),
  certPath: join(dir, "server.pem"),
  keyPath: join(dir, "server.key"),
  untrustedCertPath: join(dir, "untrusted.pem"),
  untrustedKeyPath: join(dir, "untrusted.key"),
});

export function testCertificates(): TestCertificates | null {
  const made = process.env.NODEBASE_TEST_TLS_DIR;
  if (made && existsSync(join(made, "untrusted.key"))) return files(made);
  if (made === "") return null; // already tried, no openssl

  const openssl = (args: string[], cwd: string) => execFileSync("openssl", args, { cwd, stdio: "pipe" });
  const dir = mkdtempSync(join(tmpdir(), "nodebase-tls-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  try {
    openssl(
      [
        "req",
        "-x509",
        ...key,
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Nodebase test CA",
      ].concat(["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]),
      dir,
    );
    openssl(["req", ...key, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], dir);
    writeFileSync(
      join(dir, "server.ext"),
      "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    );
    openssl(
      ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"].concat([
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
      ]),
      dir,
    );
    openssl(
      ["req", "-x509", ...key, "-keyout", "untrusted.key", "-out", "untrusted.pem", "-days", "2"].concat([
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
      ]),
      dir,
    );
  } catch (err) {
    const message = `openssl could not make the test certificates (${(err as Error).message.split("\n")[0]}): the TLS tests (SMTP tls/starttls, PostgreSQL ssl) are SKIPPED. Install it with \`apt-get install -y openssl\`.`;
    if (process.env.CI === "true") throw new Error(`${message} (CI=true: failing instead of skipping)`);
    console.warn(`\n⚠ ${message}\n`);
    process.env.NODEBASE_TEST_TLS_DIR = "";
    return null;
  }
  process.env.NODEBASE_TEST_TLS_DIR = dir;
  return files(dir);
}
