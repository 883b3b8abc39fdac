import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { TestSocketMessage, TestUpgradeResponse, TestWebSocket, WebSocketOpener } from "@aex/core/testing";
import WebSocket from "ws";

/** The client end `aex.inject().ws()` hands out: `{ event, data }` messages, in order. */
class InjectedSocket implements TestWebSocket {
  readonly messages: TestSocketMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly socket: WebSocket) {
    socket.on("message", (raw) => {
      this.messages.push(JSON.parse(raw.toString()) as TestSocketMessage);
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.closed = new Promise((resolve) =>
      socket.once("close", (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.waiters.splice(0).forEach((wake) => wake());
      }),
    );
  }

  send(event: string, data?: unknown): void {
    this.socket.send(JSON.stringify({ event, data }));
  }

  sendRaw(message: string | Buffer): void {
    this.socket.send(message, { binary: Buffer.isBuffer(message) });
  }

  async next<T = unknown>(event: string): Promise<T> {
    for (;;) {
      const index = this.messages.findIndex((m) => m.event === event);
      if (index !== -1) return this.messages.splice(index, 1)[0].data as T;
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`closed before a "${event}" message`);
      await new Promise<void>((wake) => this.waiters.push(wake));
    }
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }
}

function answer(res: IncomingMessage, body: Buffer, socket: TestWebSocket | null): TestUpgradeResponse {
  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    body,
    text: () => body.toString("utf8"),
    json: <T>() => JSON.parse(body.toString("utf8")) as T,
    socket,
  };
}

/** The `aex.inject().ws()` of apps with `@aex/ws`: the `ws` client over an in-memory connection. */
export function openInjected(maxPayload: number): WebSocketOpener {
  return (connection: Duplex, path: string, headers: Record<string, string>) =>
    new Promise((resolve, reject) => {
      const websocket = new WebSocket(`ws://${headers.host ?? "localhost"}${path}`, {
        headers,
        maxPayload,
        createConnection: () => connection as Socket,
      });
      const socket = new InjectedSocket(websocket);
      websocket.once("upgrade", (res) => {
        websocket.once("open", () => resolve(answer(res, Buffer.alloc(0), socket)));
      });
      websocket.once("unexpected-response", (_req, res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve(answer(res, Buffer.concat(chunks), null)));
        res.on("error", reject);
      });
      websocket.once("error", reject);
    });
}
