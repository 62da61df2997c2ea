import {
  DivisionIndex,
  normalizeDivisionCode,
  normalizeDivisionLevel,
  normalizeTownshipName,
  normalizeVillageName,
} from '@jiandu/domain/normalize/division';
import { describe, expect, it } from 'vitest';

describe('division name normalizers', () => {
  it('keeps a consistent 村 / 社区 suffix for villages', () => {
    expect(normalizeVillageName('红星村委会')).toBe('红星村');
    expect(normalizeVillageName('红星村民委员会')).toBe('红星村');
    expect(normalizeVillageName('红星村村委会')).toBe('红星村');
    expect(normalizeVillageName(' 红星村 ')).toBe('红星村');
    expect(normalizeVillageName('城东社区居委会')).toBe('城东社区');
    expect(normalizeVillageName('城东社区居民委员会')).toBe('城东社区');
    expect(normalizeVillageName('城东居委会')).toBe('城东社区');
    expect(normalizeVillageName('紅星村')).toBe('红星村');
  });

  it('drops government suffixes of townships', () => {
    expect(normalizeTownshipName('灰山港镇人民政府')).toBe('灰山港镇');
    expect(normalizeTownshipName('灰山港 镇')).toBe('灰山港镇');
    expect(normalizeTownshipName('城关街道办事处')).toBe('城关街道');
  });

  it('pads codes and reads levels', () => {
    expect(normalizeDivisionCode('430521')).toBe('430521000000');
    expect(normalizeDivisionCode('430521101')).toBe('430521101000');
    expect(normalizeDivisionCode(430521101201)).toBe('430521101201');
    expect(normalizeDivisionCode('4305')).toBeNull();
    expect(normalizeDivisionLevel('乡镇')).toBe('township');
    expect(normalizeDivisionLevel('社区')).toBe('village');
    expect(normalizeDivisionLevel('county')).toBe('county');
    expect(normalizeDivisionLevel('组')).toBeNull();
  });
});

describe('DivisionIndex', () => {
  const index = DivisionIndex.fromRows(
    [
      { code: '430521000000', name: '邵东县', level: 'county', parent_code: null },
      { code: '430521101000', name: '灰山港镇', level: '乡镇', parent_code: '430521000000' },
      { code: '430521102000', name: '两市镇', level: 'township', parent_code: null },
      { code: '430521101201', name: '红星村', level: '村', parent_code: '430521101000' },
      { code: '430521102201', name: '红星村', level: 'village', parent_code: '430521102000' },
      { code: '430521102202', name: '新村村', level: 'village', parent_code: null },
      { code: '430521102003', name: '城东社区', level: null, parent_code: null },
    ].map((values) => ({ values })),
  );

  it('resolves townships by name, short name or code', () => {
    expect(index.resolveTownship('灰山港镇')).toEqual({ code: '430521101000', name: '灰山港镇' });
    expect(index.resolveTownship('灰山港')).toEqual({ code: '430521101000', name: '灰山港镇' });
    expect(index.resolveTownship('430521101')).toEqual({ code: '430521101000', name: '灰山港镇' });
    expect(index.resolveTownship('430521101000')).toEqual({ code: '430521101000', name: '灰山港镇' });
  });

  it('resolves villages by code, with their township', () => {
    expect(index.resolveVillage('430521101201')).toEqual({
      code: '430521101201',
      name: '红星村',
      township: { code: '430521101000', name: '灰山港镇' },
    });
  });

  it('uses the township to tell villages of the same name apart', () => {
    expect(index.resolveVillage('红星村委会', '两市镇').code).toBe('430521102201');
    expect(index.resolveVillage('红星', '灰山港镇').code).toBe('430521101201');
    const ambiguous = index.resolveVillage('红星村');
    expect(ambiguous.code).toBeUndefined();
    expect(ambiguous.warning).toContain('多个');
  });

  it('finds villages whose name ends in 村村 and derives levels and parents from codes', () => {
    expect(index.resolveVillage('新村村委会').code).toBe('430521102202');
    expect(index.resolveVillage('城东社区居委会')).toEqual({
      code: '430521102003',
      name: '城东社区',
      township: { code: '430521102000', name: '两市镇' },
    });
  });

  it('keeps unresolved names normalized, with a warning', () => {
    const village = index.resolveVillage('胜利村委会', '灰山港镇');
    expect(village).toMatchObject({ name: '胜利村' });
    expect(village.code).toBeUndefined();
    expect(village.warning).toContain('胜利村');
    expect(index.resolveTownship('430521999000').warning).toBeDefined();
  });

  it('answers a place given again as the first time, per township, also past its memory', () => {
    const first = [
      index.resolveVillage('红星村委会', '两市镇').code,
      index.resolveVillage('红星村委会', '灰山港镇').code,
      index.resolveVillage('红星村委会').warning,
      index.resolveTownship(430521101).code,
      index.resolveTownship('灰山港').code,
    ];
    expect(first).toEqual([
      '430521102201',
      '430521101201',
      '村（社区）名称对应多个区划，请填写乡镇：红星村',
      '430521101000',
      '430521101000',
    ]);
    // More distinct places than it remembers (a file of garbage): it starts over, never wrong.
    for (let i = 0; i < 25_000; i++)
      expect(index.resolveVillage(`无名${i}村`, '两市镇').code).toBeUndefined();
    expect([
      index.resolveVillage('红星村委会', '两市镇').code,
      index.resolveVillage('红星村委会', '灰山港镇').code,
      index.resolveVillage('红星村委会').warning,
      index.resolveTownship(430521101).code,
      index.resolveTownship('灰山港').code,
    ]).toEqual(first);
  });
});
