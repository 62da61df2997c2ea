import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../src/config.js';
import { evaluateContractorRelated } from '../../src/rules/r12-contractor-related.js';
import { referenceOf } from '../../src/rules/reference.js';
import { combineFindings } from '../../src/rules/registry.js';
import { entity, official, project, resident, shard, validId } from './fixtures.js';

const OFFICIAL = validId('19700101', 61);
const BROTHER = validId('19720202', 62);
const STRANGER = validId('19750303', 63);
const CADRE = validId('19680404', 64);
const CREDIT = '91430521MA4L7XYZ1K';

const people = [
  resident({ id: OFFICIAL, name: '冯官', household: 'H10', relation: '户主' }),
  resident({ id: BROTHER, name: '冯弟', household: 'H10', relation: '弟' }),
  resident({ id: STRANGER, name: '陈路', household: 'H11' }),
  resident({ id: CADRE, name: '褚村', household: 'H12', village: '白沙村', township: '灰山港镇' }),
];

describe('R12 CONTRACTOR_RELATED', () => {
  it('fires when the contracting entity’s legal rep lives with an official of the project’s township', () => {
    const findings = evaluateContractorRelated(
      shard([
        ...people,
        official({ id: OFFICIAL, name: '冯官', position: '副镇长' }),
        entity({ id: BROTHER, code: CREDIT }),
        project({ code: 'XM-2023-001', contractorCode: CREDIT, budgetYuan: 380_000 }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings.map((f) => [f.subjectKey, f.amount, f.idNumber])).toEqual([
      ['XM-2023-001', 38_000_000, BROTHER],
    ]);
    expect(findings[0]?.reasons[0]).toBe(
      '承建单位法定代表人冯弟是灰山港镇公职人员冯官（灰山港镇人民政府副镇长）的同户家庭成员',
    );
  });

  it('counts village cadres of the township’s villages, and a contractor person by ID', () => {
    const findings = evaluateContractorRelated(
      shard([
        ...people,
        // Listed with the village only: the registry says 白沙村 is in 灰山港镇.
        official({ id: CADRE, name: '褚村', category: '村干部', village: '白沙村', township: null }),
        project({ name: '白沙村水渠', village: '白沙村', contractorCode: CADRE, contractorName: '褚村' }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings.map((f) => f.subjectKey)).toEqual(['灰山港镇|白沙村|白沙村水渠']);
    expect(findings[0]?.reasons[0]).toContain('承建人褚村本人是灰山港镇公职人员');
  });

  it('does not fire for officials of another township, unrelated contractors, or contractors known by name only', () => {
    const findings = evaluateContractorRelated(
      shard([
        ...people,
        official({ id: OFFICIAL, township: '石门乡' }),
        official({ id: CADRE, category: '村干部', village: '白沙村' }),
        entity({ id: BROTHER, code: CREDIT }),
        project({ code: 'A', contractorCode: CREDIT }),
        project({ code: 'B', contractorCode: STRANGER }),
        project({ code: 'C', contractorName: '褚村' }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings).toEqual([]);
  });
});

describe('R12 across shards', () => {
  it('merges one project listed under two names into one finding with the larger budget', () => {
    const rows = [
      ...people,
      official({ id: OFFICIAL, name: '冯官' }),
      project({ code: 'XM-9', name: '道路', contractorCode: BROTHER, budgetYuan: 100_000, versionId: 'v-a' }),
      project({
        code: 'XM-9',
        name: '道路工程',
        contractorCode: BROTHER,
        budgetYuan: 120_000,
        versionId: 'v-b',
      }),
    ];
    const [whole] = evaluateContractorRelated(shard(rows), DEFAULT_RULE_CONFIG);
    const reference = referenceOf(shard(rows));
    const partial = (versionId: string) =>
      evaluateContractorRelated(
        {
          rows: (kind) =>
            rows.filter(
              (r) => r.kind === kind && (kind !== 'livelihood_projects' || r.versionId === versionId),
            ),
          reference,
        },
        DEFAULT_RULE_CONFIG,
      );
    const partials = [...partial('v-b'), ...partial('v-a')];
    expect(partials.map((f) => f.amount)).toEqual([12_000_000, 10_000_000]);
    const combined = combineFindings(partials, DEFAULT_RULE_CONFIG);
    expect(combined).toHaveLength(1);
    expect(combined[0]).toMatchObject({ subjectKey: 'XM-9', amount: 12_000_000 });
    expect(combined[0]?.evidence.filter((e) => e.kind === 'livelihood_projects')).toHaveLength(2);
    expect(whole?.amount).toBe(12_000_000);
  });

  it('refuses to merge a person rule’s subject emitted twice (a sharding bug, not data)', () => {
    const [finding] = evaluateContractorRelated(
      shard([...people, official({ id: OFFICIAL }), project({ code: 'X', contractorCode: BROTHER })]),
      DEFAULT_RULE_CONFIG,
    );
    const r06 = { ...(finding as NonNullable<typeof finding>), rule: 'R06' as const };
    expect(() => combineFindings([r06, r06], DEFAULT_RULE_CONFIG)).toThrow(/2 shards/);
  });
});
