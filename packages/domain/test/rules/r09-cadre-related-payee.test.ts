import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../src/config.js';
import { evaluateCadreRelatedPayee } from '../../src/rules/r09-cadre-related-payee.js';
import { finance, official, resident, shard, validId } from './fixtures.js';

const CADRE = validId('19650101', 51);
const WIFE = validId('19670202', 52);
const OUTSIDER = validId('19700303', 53);
const TWIN_A = validId('19800404', 54);
const TWIN_B = validId('19800505', 55);

const village = [
  resident({ id: CADRE, name: '钱书记', household: 'H1', relation: '户主' }),
  resident({ id: WIFE, name: '周芳', household: 'H1', relation: '配偶' }),
  resident({ id: OUTSIDER, name: '吴明', household: 'H2' }),
  resident({ id: TWIN_A, name: '郑刚', household: 'H3' }),
  resident({ id: TWIN_B, name: '郑刚', household: 'H1', relation: '子' }),
  official({ id: CADRE, name: '钱书记', category: '村干部', village: '石门村', position: '党支部书记' }),
];

describe('R09 CADRE_RELATED_PAYEE', () => {
  it('fires for a cadre’s household member found by ID or by a name unique in the village', () => {
    const findings = evaluateCadreRelatedPayee(
      shard([
        ...village,
        finance({ date: '2023-03-01', yuan: 2_000, category: '劳务费', payee: '周芳' }),
        finance({ date: '2023-05-01', yuan: 3_000, category: '工程款', payee: '周 芳', payeeId: WIFE }),
        finance({ date: '2023-06-01', yuan: 800, category: '办公费', payee: '钱书记' }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings.map((f) => [f.subjectKey, f.amount, f.match])).toEqual([
      [`灰山港镇|石门村|${CADRE}`, 80_000, 'name_village'],
      [`灰山港镇|石门村|${WIFE}`, 500_000, 'name_village'],
    ]);
    expect(findings[1]?.reasons[0]).toBe('收款人是本村村干部钱书记（党支部书记，村干部）的同户家庭成员');
    expect(findings[0]?.reasons[0]).toBe('收款人本人是本村村干部（党支部书记，村干部）');
  });

  it('never fires for organizations, names shared by two villagers, income, outsiders or other villages’ cadres', () => {
    const findings = evaluateCadreRelatedPayee(
      shard([
        ...village,
        finance({ date: '2023-03-01', yuan: 2_000, category: '工程款', payee: '青山县钱氏建筑有限公司' }),
        finance({ date: '2023-03-02', yuan: 2_000, category: '劳务费', payee: '郑刚' }), // two 郑刚 in 石门村
        finance({ date: '2023-03-03', yuan: 2_000, category: '劳务费', payee: '周芳', direction: '收入' }),
        finance({ date: '2023-03-04', yuan: 2_000, category: '劳务费', payee: '吴明' }),
        finance({ date: '2023-03-05', yuan: 2_000, category: '劳务费', payeeId: WIFE, village: '白沙村' }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings).toEqual([]);
  });
});
