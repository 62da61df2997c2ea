/**
 * Subsidy program names as departments write them, to the catalogue of CONTRACT.md §2.
 */
import { PROGRAMS } from '../programs.js';

/** A catalogue program a subsidy name resolved to. */
export interface ResolvedProgram {
  readonly code: string;
  readonly name: string;
  readonly meansTested: boolean;
}

// Brackets are removed but their content kept: `（农村低保）` and `农村低保` are the same name.
const BRACKETS = /[()[\]{}<>（）【】〔〕［］｛｝〈〉《》「」『』]/g;

/** The comparison key of a program name: blanks, brackets and trailing 资金/金/补助金 removed. */
export function programKey(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\s\u3000\u200b-\u200f\ufeff]/g, '')
    .replace(BRACKETS, '')
    .replace(/(补助金|资金|金)$/, '');
}

const BY_KEY: ReadonlyMap<string, ResolvedProgram> = (() => {
  const map = new Map<string, ResolvedProgram>();
  for (const p of PROGRAMS) {
    const resolved = { code: p.code, name: p.name, meansTested: p.meansTested };
    for (const name of [p.name, p.code, ...p.aliases]) {
      const key = programKey(name);
      // The first program listing a name wins; the catalogue should not list one name twice.
      if (!map.has(key)) map.set(key, resolved);
    }
  }
  return map;
})();

/**
 * Resolve a program name (or code) to the catalogue by exact name/alias match after
 * {@link programKey} clean-up; `undefined` for unknown programs (kept as given by the caller,
 * warned about and treated as not means-tested).
 */
export function resolveProgram(raw: string | number | null | undefined): ResolvedProgram | undefined {
  if (raw === null || raw === undefined) return undefined;
  const key = programKey(String(raw));
  if (key === '') return undefined;
  return BY_KEY.get(key) ?? BY_KEY.get(key.toUpperCase());
}
