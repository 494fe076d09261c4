import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { liveUrl, openLiveSocket, type LiveConnectionState } from "./live";

/** A stand-in for the browser's WebSocket: the test opens, sends and drops connections by hand. */
class FakeSocket {
  static instances: FakeSocket[] = [];
  static readonly OPEN = 1;
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  closedByClient = false;
  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
  close() {
    this.closedByClient = true;
    this.drop();
  }
}

describe("live sockets", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.instances = [];
    vi.stubGlobal("WebSocket", FakeSocket);
    vi.stubGlobal("location", { protocol: "http:", host: "127.0.0.1:8787" });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("builds ws:// and wss:// URLs on the page's host", () => {
    expect(liveUrl("/api/executions/x/live")).toBe("ws://127.0.0.1:8787/api/executions/x/live");
    expect(liveUrl("/p", { protocol: "https:", host: "nodebase.example" })).toBe("wss://nodebase.example/p");
  });

  it("reconnects after a drop with growing delays, and each new connection's snapshot resyncs", () => {
    const messages: unknown[] = [];
    const states: LiveConnectionState[] = [];
    const stop = openLiveSocket<{ type: string }>("/api/executions/e1/live", {
      onMessage: (m) => messages.push(m),
      onState: (s) => states.push(s),
    });
    FakeSocket.instances[0].open();
    FakeSocket.instances[0].receive({ type: "snapshot", seq: 1 });
    FakeSocket.instances[0].drop();
    expect(states.at(-1)).toBe("reconnecting");

    vi.advanceTimersByTime(499);
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(2);
    // Dropped again before opening: the next wait is longer.
    FakeSocket.instances[1].drop();
    vi.advanceTimersByTime(999);
    expect(FakeSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(3);
    FakeSocket.instances[2].open();
    FakeSocket.instances[2].receive({ type: "snapshot", seq: 7 });
    expect(messages).toEqual([
      { type: "snapshot", seq: 1 },
      { type: "snapshot", seq: 7 },
    ]);
    expect(states.at(-1)).toBe("open");

    stop();
    expect(FakeSocket.instances[2].closedByClient).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(3);
  });

  it("stops for good once the run is over, and ignores messages that are not JSON", () => {
    let done = false;
    const messages: unknown[] = [];
    openLiveSocket<{ type: string; status?: string }>("/x", {
      isDone: () => done,
      onMessage: (m) => {
        messages.push(m);
        if (m.status === "success") done = true;
      },
    });
    const socket = FakeSocket.instances[0];
    socket.open();
    socket.onmessage?.({ data: "not json" });
    socket.receive({ type: "execution", status: "success" });
    expect(messages).toEqual([{ type: "execution", status: "success" }]);
    expect(socket.closedByClient).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });
});
