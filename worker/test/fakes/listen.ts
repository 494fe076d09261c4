/** For the Node-side fakes of the workerd tests (globalSetup files): listening on a free port. */
import type { Server } from "node:http";

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
