/**
 * Live sockets (`/api/executions/:id/live`, `/api/workflows/:id/live`): a WebSocket that reconnects with
 * backoff when dropped. The server sends a full `snapshot` first on every connection, so a reconnect
 * resyncs by itself; nothing is replayed client-side.
 */
export type LiveConnectionState = "connecting" | "open" | "reconnecting" | "closed";

export interface LiveSocketOptions<M> {
  onMessage(message: M): void;
  onState?(state: LiveConnectionState): void;
  /** Stop reconnecting (and close) once this returns true, e.g. when the execution has finished. */
  isDone?(): boolean;
}

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

export function liveUrl(
  path: string,
  location: { protocol: string; host: string } = (
    globalThis as unknown as { location: { protocol: string; host: string } }
  ).location,
): string {
  const protocol = location.protocol === "https:" ? "wss:" : "ws:";
  return `${protocol}//${location.host}${path}`;
}

/** Opens the socket; returns a function that closes it for good. */
export function openLiveSocket<M>(path: string, options: LiveSocketOptions<M>): () => void {
  let socket: WebSocket | null = null;
  let attempt = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    if (stopped) return;
    options.onState?.(attempt === 0 ? "connecting" : "reconnecting");
    const ws = new WebSocket(liveUrl(path));
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      options.onState?.("open");
    };
    ws.onmessage = (event) => {
      let message: M;
      try {
        message = JSON.parse(String(event.data)) as M;
      } catch {
        return; // not ours: ignore rather than break the stream
      }
      options.onMessage(message);
      if (options.isDone?.()) stop();
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (stopped || options.isDone?.()) {
        options.onState?.("closed");
        return;
      }
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
      attempt += 1;
      options.onState?.("reconnecting");
      timer = setTimeout(connect, delay);
    };
  };

  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    const ws = socket;
    socket = null;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, "done");
    options.onState?.("closed");
  };

  connect();
  return stop;
}
