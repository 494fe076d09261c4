/**
 * The socket the `postgres` driver talks through, opened with our `ctx.connect` (so the private-network
 * rule applies) instead of the driver's own. It has the shape the driver's Workers build expects (the
 * fields its `tls.connect` upgrade uses: `raw`, `reader`, `writer`, `read`), with one difference that is
 * the reason it exists: when the connection is closed at the end of a step, the driver has already
 * dropped its listeners, and its own socket then emits the read loop's "Stream was cancelled" as an
 * unhandled `error` event. Here a read error with nobody listening is the end of the stream, not a crash.
 */
import { Buffer } from "node:buffer";
import { EventEmitter } from "node:events";
import type { OutboundConnect } from "../../engine/outbound-connect";

export async function openPostgresSocket(
  connect: OutboundConnect,
  host: string,
  port: number,
  ssl: boolean,
): Promise<EventEmitter> {
  const raw = connect(
    { hostname: host, port },
    { secureTransport: ssl ? "starttls" : "off", allowHalfOpen: false },
  );
  await raw.opened;
  const tcp = Object.assign(new EventEmitter(), {
    readyState: "open",
    host,
    port,
    ssl,
    raw,
    writer: raw.writable.getWriter(),
    reader: raw.readable.getReader(),
    write(data: Uint8Array, callback?: () => void) {
      tcp.writer.write(data).then(callback, fail);
      return true;
    },
    end(data?: Uint8Array) {
      if (data) tcp.write(data, () => void tcp.raw.close().catch(() => undefined));
      else void tcp.raw.close().catch(() => undefined);
    },
    destroy() {
      tcp.end();
    },
    async read() {
      try {
        for (;;) {
          const { done, value } = await tcp.reader.read();
          if (done) break;
          tcp.emit("data", Buffer.from(value));
        }
      } catch (err) {
        fail(err);
      }
    },
  });
  const fail = (err: unknown) => {
    if (tcp.listenerCount("error") > 0) tcp.emit("error", err);
    closeOnce();
  };
  const closeOnce = () => {
    if (tcp.readyState === "closed") return;
    tcp.readyState = "closed";
    tcp.emit("close");
  };
  raw.closed.then(
    () => {
      // The driver's TLS upgrade (`startTls`) swaps `raw` and closes this plain socket: that end is the
      // upgrade's success, which the driver waits for as `secureConnect` (as its own Workers socket does).
      // Without it an `ssl: true` connection hung until CONNECT_TIMEOUT. Only the current socket's end is
      // the connection's end.
      if (tcp.raw === raw) closeOnce();
      else if (tcp.readyState !== "closed") {
        tcp.readyState = "open";
        tcp.emit("secureConnect");
      }
    },
    (err) => fail(err),
  );
  if (ssl) {
    // Only the server's one-byte answer to SSLRequest is read here: the upgrade takes the stream over.
    void tcp.reader.read().then(({ value }) => value && tcp.emit("data", Buffer.from(value)), fail);
  } else {
    void tcp.read();
  }
  return tcp;
}
