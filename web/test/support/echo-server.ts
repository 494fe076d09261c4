/** A local HTTP server that answers every request with what it received, and remembers the requests. */
import { createServer, type Server } from "node:http";

export interface EchoRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** Listens on `port`, by default one the OS picks (never a fixed number that could be taken). */
export async function startEchoServer(
  port = 0,
): Promise<{ url: string; requests: EchoRequest[]; stop(): Promise<void> }> {
  const requests: EchoRequest[] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        // keep text
      }
      const received = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      requests.push(received);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ echoed: received.body, method: received.method, path: received.url }));
    });
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
  return {
    url: `http://127.0.0.1:${bound}`,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
