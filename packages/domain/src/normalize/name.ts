import { toSimplified } from './simplified.js';

// Blanks and zero-width/invisible characters that sneak into names copied from other systems.
const INVISIBLE = /[\s\u00a0\u00ad\u180e\u200b-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]/g;
const PLAIN_HAN = /^[\u4e00-\u9fff]+$/;
// Every "middle dot" departments use between the parts of minority and foreign names.
const DOTS = /[·•.．‧・･∙⋅]+/g;

/**
 * Normalize a person's name for comparison (CONTRACT.md §3, §5 R08): blanks and invisible
 * characters removed, middle dots unified to `·`, traditional characters converted to
 * simplified. Empty input gives `''`.
 */
export function normalizePersonName(raw: string | number | null | undefined): string {
  if (raw === null || raw === undefined) return '';
  // Most names are CJK unified ideographs only: NFKC leaves them as they are (the compatibility
  // ideographs are elsewhere), and they hold no blank or dot.
  if (typeof raw === 'string' && PLAIN_HAN.test(raw)) return toSimplified(raw);
  const s = String(raw)
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(DOTS, '·')
    .replace(/^·+|·+$/g, '');
  return s === '' ? '' : toSimplified(s);
}

// Two-character surnames: masking keeps both characters of the surname.
const COMPOUND_SURNAMES = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '令狐',
  '端木',
  '西门',
  '南宫',
  '独孤',
  '轩辕',
  '澹台',
  '呼延',
  '万俟',
  '闻人',
  '司空',
  '钟离',
  '宗政',
  '濮阳',
  '淳于',
  '单于',
  '太叔',
  '申屠',
  '赫连',
  '拓跋',
  '百里',
  '东郭',
  '公冶',
]);

/**
 * Mask a name for public display: the surname stays, every other character becomes `*`
 * (`张*`, `欧阳**`); the `·` of minority names is kept so the shape stays readable.
 */
export function maskPersonName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return chars.length === 0 ? '' : '*';
  const keep = chars.length > 2 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) ? 2 : 1;
  return chars.map((c, i) => (i < keep || c === '·' ? c : '*')).join('');
}
