/**
 * Answers of pure work remembered by key, for texts that repeat on millions of rows (a county
 * writes a few hundred places, a few ways each). Bounded: a cache starts over when full, so a
 * file of distinct garbage cannot grow it without end.
 */
const MAX_REMEMBERED = 20_000;

/** `work()`'s answer for `key`, from `cache` when it was worked out before. */
export function remember<V>(cache: Map<string, V>, key: string, work: () => V): V {
  const known = cache.get(key);
  if (known !== undefined) return known;
  const value = work();
  if (cache.size >= MAX_REMEMBERED) cache.clear();
  cache.set(key, value);
  return value;
}

/** `work` with its answers remembered (see {@link remember}). */
export function memoized<V>(work: (key: string) => V): (key: string) => V {
  const cache = new Map<string, V>();
  return (key) => remember(cache, key, () => work(key));
}
