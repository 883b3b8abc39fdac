import { TestClient } from "../../../packages/ws/test/support/client";
import { pause } from "./processes";

/** What the app says to a socket as it connects. */
export interface Welcome {
  instance: string;
  user: string;
  rooms: string[];
}

/**
 * A logged-in user's WebSocket to `/live` through the load balancer, as a browser tab
 * keeps one: when the connection drops it opens a new one (to whichever instance the
 * balancer picks), and the app puts it back in the user's rooms from the session.
 */
export class LiveClient {
  private constructor(
    readonly user: string,
    private readonly url: string,
    private readonly cookie: string,
    public socket: TestClient,
    public welcome: Welcome,
  ) {}

  /** Connects and waits for the welcome, which names the instance and the rooms. */
  static async open(lb: string, user: string, cookie: string): Promise<LiveClient> {
    const url = lb.replace(/^http/, "ws") + "/live";
    const socket = await TestClient.open(url, { cookie });
    const welcome = (await socket.next("welcome", 5_000)) as Welcome;
    return new LiveClient(user, url, cookie, socket, welcome);
  }

  get instance(): string {
    return this.welcome.instance;
  }

  /** Opens a new connection, retrying (bounded) while none can be made; resolves to its welcome. */
  async reconnect(attempts = 20, delayMs = 100): Promise<Welcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.socket = await TestClient.open(this.url, { cookie: this.cookie });
        this.welcome = (await this.socket.next("welcome", 5_000)) as Welcome;
        return this.welcome;
      } catch (error) {
        if (attempt >= attempts) throw error;
        await pause(delayMs);
      }
    }
  }

  join(room: string): Promise<unknown> {
    this.socket.send("join", room);
    return this.socket.next("joined", 5_000);
  }

  close(): void {
    this.socket.close();
  }
}
