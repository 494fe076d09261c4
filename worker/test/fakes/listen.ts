/** For the Node-side fakes of the workerd tests (globalSetup files): listening on a free port. */
import type { IncomingMessage, Server } from "node:http";

/**
 * Listens on 127.0.0.1 on a port the OS picks and returns it. Never a fixed port: eight people and CI
 * share this machine, and a taken port must not fail (or, worse, silently reach someone else's server).
 */
export function listenOnFreePort(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (typeof address === "object" && address !== null) resolve(address.port);
      else reject(new Error("the server has no TCP address"));
    });
  });
}

/**
 * Serves `server` on a free port, hands the tests its URL (`provide`, e.g. `project.provide(key, url)`) and
 * returns the globalSetup teardown, which drops open connections and closes the server.
 */
export async function serveForTests(
  server: Server,
  provide: (url: string) => void,
): Promise<() => Promise<void>> {
  const port = await listenOnFreePort(server);
  provide(`http://127.0.0.1:${port}`);
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

/** A request's body as UTF-8 text. */
export async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
