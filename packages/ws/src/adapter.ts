/** A broadcast to share with the other processes of the app. */
export interface BroadcastMessage {
  /** The room, or undefined for everyone. */
  room?: string;
  event: string;
  data: unknown;
}

/**
 * Carries broadcasts between processes. `publish` sends one to the others; the
 * messages of the others arrive through the callback given to `start`.
 */
export interface BroadcastAdapter {
  start(deliver: (message: BroadcastMessage) => void): Promise<void>;
  publish(message: BroadcastMessage): Promise<void>;
  close(): Promise<void>;
}
