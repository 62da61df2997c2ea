import { maskPersonName, normalizePersonName } from '@jiandu/domain/normalize/name';
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
