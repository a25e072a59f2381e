/**
 * The most recent `capacity` ids seen, oldest forgotten first: bounded memory however long the
 * stream. A redelivery comes soon after the original (a relay republishes at most the batch it
 * crashed in), so a window of a few thousand ids per partition catches it.
 */
export class RecentIds {
  readonly #ids = new Set<string>();

  readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error("capacity must be a positive integer");
  }

  /** Records `id`; false when it was already among the recent ones. */
  add(id: string): boolean {
    if (this.#ids.has(id)) {
      // Refresh: a duplicate that keeps coming stays remembered.
      this.#ids.delete(id);
      this.#ids.add(id);
      return false;
    }
    this.#ids.add(id);
    if (this.#ids.size > this.capacity) {
      const oldest = this.#ids.values().next();
      if (!oldest.done) this.#ids.delete(oldest.value);
    }
    return true;
  }

  get size(): number {
    return this.#ids.size;
  }
}
