import type { DependencyState } from "@aex/core/plugin";

/** A broadcast to share with the other processes of the app. */
export interface BroadcastMessage {
  /** The room, or undefined for everyone. */
  room?: string;
  /** The event's name. */
  event: string;
  /** The event's data (JSON-safe). */
  data: unknown;
}

/**
 * Carries broadcasts between processes. `publish` sends one to the others; the
 * messages of the others arrive through the callback given to `start`.
 */
export interface BroadcastAdapter {
  /** Connects; the broadcasts of the other processes then go to `deliver`. */
  start(deliver: (message: BroadcastMessage) => void): Promise<void>;
  /** Sends a broadcast of this process to the others. */
  publish(message: BroadcastMessage): Promise<void>;
  /** Disconnects. */
  close(): Promise<void>;
  /**
   * Where its connection is, for readiness (`health()`): `connecting` until `start` is done,
   * then `up`, or `down` during an outage. Without it, `up` once `start` resolved.
   */
  readonly connection?: DependencyState;
}
