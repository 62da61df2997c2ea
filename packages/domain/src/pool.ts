/**
 * Run `work` over `items` with at most `limit` in flight; the results in the order of `items`.
 * For work that waits on storage or the network, where one at a time is slow and all at once
 * would hold everything in memory (or swamp the other side).
 */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
