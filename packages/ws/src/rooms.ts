/** Named groups of connections; a connection may be in many rooms. */
export class Rooms<T> {
  private readonly rooms = new Map<string, Set<T>>();

  join(room: string, member: T): void {
    let members = this.rooms.get(room);
    if (members === undefined) this.rooms.set(room, (members = new Set()));
    members.add(member);
  }

  leave(room: string, member: T): void {
    const members = this.rooms.get(room);
    if (members === undefined) return;
    members.delete(member);
    if (members.size === 0) this.rooms.delete(room);
  }

  /** The members of `room` (empty if none). */
  members(room: string): ReadonlySet<T> {
    return this.rooms.get(room) ?? new Set();
  }

  /** Names of the rooms that have members. */
  names(): string[] {
    return [...this.rooms.keys()];
  }
}
