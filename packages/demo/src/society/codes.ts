import type { Rng } from '../random.js';

// GB 32100-2015: the 31 characters of a unified social credit code and the weights of its 17 first ones.
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** The check character of the first 17 characters of a unified social credit code. */
export function creditCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(first17.charAt(i)) * (CREDIT_WEIGHTS[i] as number);
  return CREDIT_CHARS.charAt((31 - (sum % 31)) % 31);
}

/**
 * A unified social credit code (统一社会信用代码) of the county: `92` for 个体工商户, `93` for
 * cooperatives, `91` for companies; then the area code, then a 9-character organization code.
 */
export function creditCode(rng: Rng, kind: '91' | '92' | '93', areaCode: string, used: Set<string>): string {
  for (;;) {
    let org = 'MA';
    for (let i = 0; i < 7; i++) org += CREDIT_CHARS.charAt(rng.int(0, CREDIT_CHARS.length - 1));
    const first17 = `${kind}${areaCode}${org}`;
    const code = first17 + creditCheck(first17);
    if (!used.has(code)) {
      used.add(code);
      return code;
    }
  }
}

const PLATE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

/** A licence plate of the prefecture (湘H), unique. */
export function plate(rng: Rng, used: Set<string>): string {
  for (;;) {
    let p = '湘H';
    for (let i = 0; i < 5; i++) p += PLATE_CHARS.charAt(rng.int(0, PLATE_CHARS.length - 1));
    if (!used.has(p)) {
      used.add(p);
      return p;
    }
  }
}
