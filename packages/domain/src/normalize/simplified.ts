import * as OpenCC from 'opencc-js/t2cn';

let converter: ((text: string) => string) | undefined;

/**
 * Traditional characters → simplified, for names and place names. One converter for the
 * whole process, built on first use (building one loads the dictionaries, ≈ 20 ms), so
 * functions that never compare names don't pay for it at start. `hk` keeps characters such
 * as 著 that Taiwan-to-mainland conversion would rewrite (著 → 着), which is wrong for names.
 */
export function toSimplified(text: string): string {
  converter ??= OpenCC.Converter({ from: 'hk', to: 'cn' });
  return converter(text);
}
