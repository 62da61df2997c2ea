import type { Page } from '@jiandu/domain/ports';
import { InvalidCursorError, pageLimit } from '../paging.js';

/**
 * What the in-memory repositories share. They keep the DynamoDB adapters' observable
 * behaviour (the same order, conditions and errors: the contract suite in `test/integration/store-contracts.test.ts`
 * runs against both) and hand out copies, as a database would.
 */

export const clone = <T>(v: T): T => structuredClone(v);

/** Ascending order of a sort-key string, as DynamoDB orders an index partition. */
export function byKey<T>(sortKey: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = sortKey(a);
    const y = sortKey(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/** One page of `all` (already in order) and the cursor of the next: the offset, opaque to callers. */
export function offsetPage<T>(all: readonly T[], limit: number | undefined, cursor?: string): Page<T> {
  if (cursor && !/^\d{1,9}$/.test(cursor)) throw new InvalidCursorError();
  const start = cursor ? Number(cursor) : 0;
  const size = pageLimit(limit);
  const items = all.slice(start, start + size).map(clone);
  return start + size < all.length ? { items, cursor: String(start + size) } : { items };
}
