/** The key under which an item keeps its index in a {@link SlotList} (-1: in none). */
export const SLOT: unique symbol = Symbol("aex.slot");

/** An object a {@link SlotList} can hold: it carries its own index (one list at a time). */
export interface Slotted {
  [SLOT]: number;
}

/**
 * A set of objects that know their index in it: adding and deleting each write one array
 * element, and freed slots are reused, so the storage grows to the most items ever held
 * at once and stays. For lists with an entry per request in flight (the handler and body
 * watches). Not a `Set`: with a `Set` that churned an entry per request, the objects of
 * finished requests survived young-generation collections and were promoted (bench
 * scenario 3 with 500 requests in flight: 4–6 ms per scavenge and full collections to free
 * them, against 1 ms and none with this list; `pnpm bench:gc`). The likely reason: the
 * `Set` rebuilds its hash table as deleted entries pile up, and a replaced table that has
 * reached the old generation still points at its entries until a full collection.
 */
export class SlotList<T extends Slotted> {
  private readonly items: (T | null)[] = [];
  private readonly free: number[] = [];
  private count = 0;

  /** How many items the list holds. */
  get size(): number {
    return this.count;
  }

  /** Adds `item` (nothing if it is in the list already). */
  add(item: T): void {
    if (item[SLOT] !== -1) return;
    const slot = this.free.length > 0 ? (this.free.pop() as number) : this.items.length;
    this.items[slot] = item;
    item[SLOT] = slot;
    this.count++;
  }

  /** Removes `item` (nothing if it is not in the list). */
  delete(item: T): void {
    const slot = item[SLOT];
    if (slot === -1 || this.items[slot] !== item) return;
    this.items[slot] = null;
    item[SLOT] = -1;
    this.free.push(slot);
    this.count--;
  }

  /**
   * Calls `visit` with each item; `visit` may delete it. Once the list is empty its
   * storage is released.
   */
  forEach(visit: (item: T) => void): void {
    const items = this.items;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item !== null) visit(item);
    }
    if (this.count === 0) this.clear();
  }

  /** Removes every item. */
  clear(): void {
    for (const item of this.items) if (item !== null) item[SLOT] = -1;
    this.items.length = 0;
    this.free.length = 0;
    this.count = 0;
  }
}
