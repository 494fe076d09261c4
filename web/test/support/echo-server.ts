/** A local HTTP server that answers every request with what it received, and remembers the requests. */
import { createServer, type Server } from "node:http";

export interface EchoRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export async function startEchoServer(
  port: number,
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
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
