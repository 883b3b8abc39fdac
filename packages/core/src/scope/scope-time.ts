/** When a request started and how long it has run; read-only. */
export class ScopeTime {
  constructor(private readonly startedAt: number) {}

  /** The moment the request arrived. */
  get started(): Date {
    return new Date(this.startedAt);
  }

  /** Milliseconds since the request arrived. */
  get passed(): number {
    return Date.now() - this.startedAt;
  }
}
