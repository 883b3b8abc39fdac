import WebSocket from "ws";

/** A test client that collects `{event, data}` messages and close codes. */
export class TestClient {
  readonly messages: { event: string; data: unknown }[] = [];
  closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  constructor(readonly socket: WebSocket) {
    socket.on("message", (raw) => {
      this.messages.push(JSON.parse(raw.toString()));
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.closed = new Promise((resolve) =>
      socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** Opens a connection; rejects with the HTTP status if the handshake is refused. */
  static open(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      const client = new TestClient(socket);
      socket.once("open", () => resolve(client));
      socket.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk));
        res.on("end", () =>
          reject(Object.assign(new Error(`refused: ${res.statusCode}`), { status: res.statusCode, body })),
        );
      });
      socket.once("error", reject);
    });
  }

  send(event: string, data?: unknown): void {
    this.socket.send(JSON.stringify({ event, data }));
  }

  /** Waits for the next message of `event` not yet taken. */
  async next(event: string, timeoutMs = 2000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex((m) => m.event === event);
      if (index !== -1) return this.messages.splice(index, 1)[0].data;
      if (Date.now() > deadline) throw new Error(`no "${event}" message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Waits for the next message not yet taken, whatever its event: proves what came first. */
  async first(timeoutMs = 2000): Promise<{ event: string; data: unknown }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.messages.length > 0) return this.messages.shift()!;
      if (Date.now() > deadline) throw new Error(`no message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}
