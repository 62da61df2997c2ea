import * as OpenCC from 'opencc-js/t2cn';

// `hk` keeps characters such as 著 that Taiwan-to-mainland conversion would rewrite (著 → 着),
// which is wrong for names.
const FROM = 'hk';

let converter: ((text: string) => string) | undefined;
let convertible: Set<number> | undefined;

// Ideographic description characters (⿰ …): the converter treats a sequence of them as one unit.
const IDS_FIRST = 0x2ff0;
const IDS_LAST = 0x2fff;

/**
 * Every code point a dictionary entry of the converter's chain starts with. A text holding
 * none of them (and no ideographic description character) matches no entry anywhere, so the
 * converter would return it unchanged.
 */
function firstCodePoints(config: unknown): Set<number> {
  const firsts = new Set<number>();
  // Dictionaries are `source target|source target…` strings or `[source, target]` pairs, in
  // groups and chains; reading a pair's target as an entry too only adds code points (safe).
  const visit = (dict: unknown): void => {
    if (typeof dict === 'string') {
      for (const entry of dict.split('|')) {
        const first = entry.codePointAt(0);
        if (first !== undefined) firsts.add(first);
      }
    } else if (Array.isArray(dict)) for (const item of dict) visit(item);
    else if (dict && typeof dict === 'object') for (const value of Object.values(dict)) visit(value);
  };
  visit(config);
  return firsts;
}

/** Whether the converter could change `text` (see {@link firstCodePoints}). */
function mayConvert(text: string, firsts: Set<number>): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i) as number;
    if (code > 0xffff) i++;
    if (firsts.has(code) || (code >= IDS_FIRST && code <= IDS_LAST)) return true;
  }
  return false;
}

/**
 * Traditional characters → simplified, for names and place names. One converter for the
 * whole process, built on first use (building one loads the dictionaries, ≈ 20 ms), so
 * functions that never compare names don't pay for it at start. Most names and places hold no
 * character any dictionary entry starts with: those are returned as they are without running
 * the converter (the same result, several times faster; it is called for every name and place
 * of every row).
 */
export function toSimplified(text: string): string {
  converter ??= OpenCC.Converter({ from: FROM, to: 'cn' });
  convertible ??= firstCodePoints(OpenCC.Locale.configs[`${FROM}2s`]);
  // A missing preset (a changed library) leaves an empty set: then every text is converted.
  if (convertible.size > 0 && !mayConvert(text, convertible)) return text;
  return converter(text);
}

/** The converter itself, without the shortcut of {@link toSimplified} (for tests to compare). */
export function toSimplifiedByConverter(text: string): string {
  converter ??= OpenCC.Converter({ from: FROM, to: 'cn' });
  return converter(text);
}
