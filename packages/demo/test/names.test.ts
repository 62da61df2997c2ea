import { describe, expect, it } from 'vitest';
import type { County, Township } from '../src/geography.js';
import { unusedRareName } from '../src/names.js';
import { generatePopulation } from '../src/population.js';
import { Rng } from '../src/random.js';

describe('unique names in a crowded village', () => {
  it('unusedRareName gives every unused two-character name once, then says none is left', () => {
    const rng = new Rng(1);
    const taken = new Set<string>(['王伟强']);
    let count = 0;
    for (;;) {
      let name: string;
      try {
        name = unusedRareName(rng, '王', 'M', taken);
      } catch (error) {
        expect((error as Error).message).toMatch(/every male name of surname 王 is taken/);
        break;
      }
      expect(taken.has(name)).toBe(false);
      expect(Array.from(name)).toHaveLength(3);
      expect(name.startsWith('王')).toBe(true);
      taken.add(name);
      count++;
    }
    // Every combination of the wider character set, but the one taken before.
    expect(count).toBeGreaterThan(10_000);
    expect(taken.size).toBe(count + 1);
  });

  it('keeps names unique where one village outgrows its common names (a county of one village)', () => {
    const township: Township = { code: '431199100000', name: '青山镇', villages: [] };
    township.villages.push({ code: '431199100201', name: '龙泉村', type: 'village', township });
    const county: County = {
      name: '青山县',
      areaCode: '431199',
      code: '431199000000',
      townships: [township],
    };
    // 王 alone is ~8% of surnames: 60,000 villagers hold more 王 men than common names exist.
    const { persons } = generatePopulation(new Rng(3), county, 60_000, '2023-01-01');
    const names = persons.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    const rare = names.filter((n) => n.startsWith('王') && /[毅坤铭晨昊博彬锋翔瑞凯锐豪]/.test(n.slice(1)));
    expect(rare.length).toBeGreaterThan(0);
  });
});
