/**
 * Items in a fixed order, handed out first-fit: {@link FirstFit.first} returns what
 * `items.find((x) => !gone(x) && accept(x))` would, without reading again and again the
 * items that are gone for good — the plants take thousands of households or recipients from
 * one shuffled list, and re-scanning its used-up front each time made a county's plants
 * quadratic in its size.
 *
 * `gone` must stay true once it is true for an item (used, taken, dead …); `accept` is only
 * called for items that are not gone, in order, as with `find`.
 */
export class FirstFit<T> {
  /** `next[i]`: an index ≤ the first not-yet-gone index at or after `i` (`items.length` at the end). */
  private readonly next: Int32Array;

  constructor(
    private readonly items: readonly T[],
    private readonly gone: (item: T) => boolean,
  ) {
    this.next = Int32Array.from({ length: items.length + 1 }, (_, i) => i);
  }

  /** The first item, in order, that is not gone and that `accept`s. */
  first(accept: (item: T) => boolean): T | undefined {
    for (let i = this.skip(0); i < this.items.length; i = this.skip(i + 1)) {
      const item = this.items[i] as T;
      if (this.gone(item)) this.next[i] = i + 1;
      else if (accept(item)) return item;
    }
    return undefined;
  }

  /** The first index at or after `i` not known to be gone, shortening the chain on the way. */
  private skip(i: number): number {
    let root = i;
    while (this.next[root] !== root) root = this.next[root] as number;
    while (i !== root) {
      const after = this.next[i] as number;
      this.next[i] = root;
      i = after;
    }
    return root;
  }
}
