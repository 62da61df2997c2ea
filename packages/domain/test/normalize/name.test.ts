import { maskPersonName, normalizePersonName } from '@jiandu/domain/normalize/name';
import { toSimplified, toSimplifiedByConverter } from '@jiandu/domain/normalize/simplified';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('normalizePersonName', () => {
  it('removes ASCII, full-width and invisible blanks', () => {
    expect(normalizePersonName(' 张 三 ')).toBe('张三');
    expect(normalizePersonName('张\u3000三')).toBe('张三');
    expect(normalizePersonName('张\u200b三\ufeff')).toBe('张三');
    expect(normalizePersonName('李\t四\n')).toBe('李四');
  });

  it('unifies the middle dots of minority names', () => {
    for (const dot of ['·', '•', '.', '．', '‧', '・']) {
      expect(normalizePersonName(`买买提${dot}艾力`)).toBe('买买提·艾力');
    }
    expect(normalizePersonName('买买提 · 艾力')).toBe('买买提·艾力');
  });

  it('converts traditional characters to simplified', () => {
    expect(normalizePersonName('劉德華')).toBe('刘德华');
    expect(normalizePersonName('歐陽娜娜')).toBe('欧阳娜娜');
    // Simplified names stay as they are, including characters that are also traditional.
    expect(normalizePersonName('张著')).toBe('张著');
  });

  it('gives an empty string for nothing', () => {
    expect(normalizePersonName(null)).toBe('');
    expect(normalizePersonName(undefined)).toBe('');
    expect(normalizePersonName('　 ')).toBe('');
  });
});

describe('maskPersonName', () => {
  it('keeps the surname only', () => {
    expect(maskPersonName('张三')).toBe('张*');
    expect(maskPersonName('张三丰')).toBe('张**');
    expect(maskPersonName('欧阳娜娜')).toBe('欧阳**');
    expect(maskPersonName('欧阳')).toBe('欧*');
    expect(maskPersonName('买买提·艾力')).toBe('买**·**');
    expect(maskPersonName('张')).toBe('*');
    expect(maskPersonName('')).toBe('');
  });
});

describe('toSimplified', () => {
  it('gives what the converter gives for every single character, and for names and places', () => {
    // Every CJK block, the compatibility ideographs, Extension B–F and the ideographic
    // description characters that the converter reads as units.
    const ranges: [number, number][] = [
      [0x2e80, 0x2fff],
      [0x3000, 0x9fff],
      [0xf900, 0xfaff],
      [0x20000, 0x2fa1f],
    ];
    const differing: string[] = [];
    for (const [from, to] of ranges)
      for (let code = from; code <= to; code++) {
        const text = String.fromCodePoint(code);
        if (toSimplified(text) !== toSimplifiedByConverter(text)) differing.push(text);
      }
    expect(differing).toEqual([]);
    for (const text of [
      '王建国',
      '劉德華',
      '歐陽娜娜',
      '張著',
      '紅星村委會',
      '灰山港鎮人民政府',
      '一目瞭然',
      '⿰木木',
    ])
      expect(toSimplified(text)).toBe(toSimplifiedByConverter(text));
  });

  it('gives what the converter gives for any text of traditional, simplified and other characters', () => {
    const chars = [...'劉德華歐陽娜娜張著紅星村委會灰山港鎮一目瞭然乾隆王李台吃著臺後发髮面麵⿰木木𠀀𪚥·A1 '];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        expect(toSimplified(text)).toBe(toSimplifiedByConverter(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('normalizePersonName on plain names', () => {
  it('gives what the full normalization gives for names of unified ideographs only', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0x4e00, max: 0x9fff }), { minLength: 1, maxLength: 6 }),
        (codes) => {
          const name = String.fromCodePoint(...codes);
          // A blank in front takes the full path (NFKC, blanks, dots), which drops it again.
          expect(normalizePersonName(name)).toBe(normalizePersonName(` ${name}`));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
