/**
 * What crosses shards: each shard's reference is its own rows of the reference kinds plus what
 * `cutReference` sends it, and answers every lookup its rules make as the whole county's would
 * — while rows nobody in the shard looks up stay home.
 */
import {
  buildReference,
  cutReference,
  cutReferenceLayers,
  nameVillageIndexer,
  type ReferenceAsker,
  type ReferencePlacement,
  referenceRows,
  registryOutline,
  type SourceRow,
  soughtInRegistry,
  villageTownships,
} from '@jiandu/domain';
import type { DatasetKind } from '@jiandu/domain/kinds';
import { compareRows } from '@jiandu/domain/rules/common';
import { describe, expect, it } from 'vitest';
import { testId } from '../support/ids.js';

const SHARDS = 4;
// People, each placed in a shard of our choosing.
const RECIPIENT = testId('1950-01-01', 1); // shard 0, receives 低保
const OFFICIAL = testId('1975-02-02', 2); // shard 1, the recipient's son, a civil servant
const IDLE = testId('1980-03-03', 3); // shard 2, the recipient's daughter, neither official nor paid
const PAYEE = testId('1960-04-04', 4); // shard 0, paid by the village books by ID
const CADRE = testId('1962-05-05', 5); // shard 2, the payee's wife, village cadre
const NAMESAKE_A = testId('1970-06-06', 6); // shard 1, 张伟 of 红星村
const NAMESAKE_B = testId('1971-07-07', 7); // shard 2, another 张伟 of 红星村
const REP = testId('1965-08-08', 8); // shard 1, legal representative of the contracting entity
const REP_BROTHER = testId('1968-09-09', 9); // shard 3, township official in the rep's household
const POOR_HEAD = testId('1955-10-10', 10); // shard 0, poverty household head
const POOR_SON = testId('1985-11-11', 11); // shard 1, owns a car
const STRANGER = testId('1990-12-12', 12); // shard 3, an official nobody in other shards asks about

const SHARD_OF = new Map<string, number>([
  [RECIPIENT, 0],
  [OFFICIAL, 1],
  [IDLE, 2],
  [PAYEE, 0],
  [CADRE, 2],
  [NAMESAKE_A, 1],
  [NAMESAKE_B, 2],
  [REP, 1],
  [REP_BROTHER, 3],
  [POOR_HEAD, 0],
  [POOR_SON, 1],
  [STRANGER, 3],
]);
const shardOfId = (id: string) => SHARD_OF.get(id) ?? 3;

let rowNo = 1;
function row(kind: DatasetKind, idNumber: string | undefined, values: SourceRow['values']): SourceRow {
  return {
    kind,
    versionId: `v-${kind}`,
    row: rowNo++,
    idStatus: idNumber ? 'as_given' : 'absent',
    ...(idNumber ? { idNumber } : {}),
    values: { ...(idNumber ? { id_number: idNumber } : {}), ...values },
  };
}
const registry = (id: string, name: string, household: string) =>
  row('household_registry', id, { name, household_no: household, township: '青山镇', village: '红星村' });

const county: SourceRow[] = [
  registry(RECIPIENT, '孙四', 'H1'),
  registry(OFFICIAL, '孙五', 'H1'),
  registry(IDLE, '孙六', 'H1'),
  registry(PAYEE, '赵大', 'H2'),
  registry(CADRE, '钱二', 'H2'),
  registry(NAMESAKE_A, '张伟', 'H3'),
  registry(NAMESAKE_B, '张伟', 'H4'),
  registry(REP, '周三', 'H5'),
  registry(REP_BROTHER, '周四', 'H5'),
  registry(POOR_HEAD, '刘大', 'H6'),
  registry(POOR_SON, '刘二', 'H6'),
  registry(STRANGER, '吴七', 'H7'),
  row('public_officials', OFFICIAL, {
    name: '孙五',
    employer: '县财政局',
    category: '公务员',
    township: '青山镇',
  }),
  row('public_officials', CADRE, { name: '钱二', category: '村干部', township: '青山镇', village: '红星村' }),
  row('public_officials', REP_BROTHER, { name: '周四', category: '公务员', township: '青山镇' }),
  row('public_officials', STRANGER, { name: '吴七', category: '公务员', township: '石门乡' }),
  row('fiscal_payroll', OFFICIAL, { name: '孙五', employer: '县财政局', period: '2023-01' }),
  row('market_entities', REP, { credit_code: '91431100MA4L000001', entity_name: '青山建设有限公司' }),
  row('poverty_registry', POOR_HEAD, { household_no: 'P1', name: '刘大', relation: '户主' }),
  row('poverty_registry', POOR_SON, { household_no: 'P1', name: '刘二', relation: '子' }),
  row('poverty_registry', undefined, { household_no: 'P1', name: '刘小', relation: '孙子' }),
  row('vehicle_records', POOR_SON, { owner_name: '刘二', plate_no: '湘A12345' }),
  row('vehicle_records', STRANGER, { owner_name: '吴七', plate_no: '湘A54321' }),
];

// The village books (shard 3) pay the payee by ID and a 张伟 by name; a project (shard 2) names the entity.
const askers: ReferenceAsker[] = [
  { row: row('village_finance', undefined, { counterparty_id: PAYEE, village: '红星村' }), shard: 3 },
  { row: row('village_finance', undefined, { counterparty: '张伟', village: '红星村' }), shard: 3 },
  {
    row: row('livelihood_projects', undefined, { contractor_code: '91431100MA4L000001', township: '青山镇' }),
    shard: 2,
  },
];

const reference = referenceRows((kind) => county.filter((r) => r.kind === kind));
const whole = buildReference((kind) => reference.filter((r) => r.kind === kind));
const homeOf = (r: SourceRow) => (r.idNumber ? shardOfId(r.idNumber) : 0);
const placement: ReferencePlacement = { shards: SHARDS, shardOfId, homeOf };
const sent = cutReference(reference, whole, placement, askers);

/** A shard's reference as MatchShard builds it: its own reference rows and those sent to it. */
function shardReference(shard: number) {
  const rows = [...reference.filter((r) => homeOf(r) === shard), ...(sent[shard] ?? [])];
  return buildReference((kind) => rows.filter((r) => r.kind === kind));
}
const names = (rows: readonly SourceRow[]) =>
  rows.map((r) => `${r.kind}:${r.values.name ?? r.values.plate_no}`);

describe('cutReference', () => {
  it('sends a recipient’s shard the employed members of the household, not the others (R04)', () => {
    const shard = shardReference(0);
    expect(shard.householdOf(RECIPIENT)).toContain(OFFICIAL);
    expect(shard.officialRows(OFFICIAL)).toEqual(whole.officialRows(OFFICIAL));
    expect(shard.payrollRows(OFFICIAL)).toEqual(whole.payrollRows(OFFICIAL));
    expect(shard.registryRows(OFFICIAL)).toEqual(whole.registryRows(OFFICIAL));
    expect(names(sent[0] ?? [])).not.toContain('household_registry:孙六');
    // Nothing is sent to where it is read anyway.
    for (const [shard, rows] of sent.entries()) for (const r of rows) expect(homeOf(r)).not.toBe(shard);
  });

  it('sends the books’ shard the payee, the cadre of the household and every namesake (R09)', () => {
    const shard = shardReference(3);
    expect(shard.householdOf(PAYEE)).toContain(CADRE);
    expect(shard.officialsOfVillage('红星村', '青山镇', '村干部')).toEqual(
      whole.officialsOfVillage('红星村', '青山镇', '村干部'),
    );
    // Two people share the name: ambiguous there as in the county, so nobody is matched by it.
    expect(whole.personByNameVillage('张伟', '红星村')).toBeUndefined();
    expect(shard.personByNameVillage('张伟', '红星村')).toBeUndefined();
    expect(shard.peopleByNameVillage('张伟', '红星村')).toEqual([NAMESAKE_A, NAMESAKE_B].sort());
  });

  it('sends the project’s shard the entity, its representative and the official of their household (R12)', () => {
    const shard = shardReference(2);
    expect(shard.entitiesByCode('91431100MA4L000001')).toEqual(whole.entitiesByCode('91431100MA4L000001'));
    expect(shard.householdOf(REP)).toContain(REP_BROTHER);
    expect(shard.officialsOfTownship('青山镇').map((r) => r.idNumber)).toContain(REP_BROTHER);
  });

  it('sends each member’s shard the whole poverty household and the members’ assets (R02/R03)', () => {
    for (const s of [0, 1]) {
      const shard = shardReference(s);
      expect(shard.povertyMembers('P1')).toEqual(whole.povertyMembers('P1'));
      expect(shard.assetsOf(POOR_SON)).toEqual(whole.assetsOf(POOR_SON));
    }
  });

  it('cuts the same with more shards than a bit mask holds', () => {
    // The same placement, every shard moved up by 60 among 64: the parts move with it.
    const wide: ReferencePlacement = {
      shards: 64,
      shardOfId: (id) => shardOfId(id) + 60,
      homeOf: (r) => homeOf(r) + 60,
    };
    const layers = cutReferenceLayers(
      reference,
      whole,
      wide,
      askers.map((a) => ({ ...a, shard: a.shard + 60 })),
    );
    const narrow = cutReferenceLayers(reference, whole, placement, askers);
    for (const layer of ['households', 'asked'] as const) {
      expect(layers[layer].slice(60)).toEqual(narrow[layer]);
      expect(layers[layer].slice(0, 60).flat()).toEqual([]);
    }
    expect(narrow.households.flat().length).toBeGreaterThan(0);
    expect(narrow.asked.flat().length).toBeGreaterThan(0);
  });

  it('keeps home what no other shard looks up', () => {
    const everywhereElse = sent.flatMap((rows, shard) => (shard === 3 ? [] : rows));
    expect(everywhereElse.filter((r) => r.idNumber === STRANGER)).toEqual([]);
    // Nor a stranger's car: only poverty members' assets are in the reference at all.
    expect(reference.filter((r) => r.kind === 'vehicle_records').map((r) => r.idNumber)).toEqual([POOR_SON]);
  });

  it('is cut the same from the plan’s registry outline, which keeps only the rows of the people sought', () => {
    // One of the namesakes is also registered in another village (a row the name does not find),
    // whose two rows name its township one each: the first row in order wins the tie.
    const elsewhere = [
      row('household_registry', NAMESAKE_A, {
        name: '张伟',
        household_no: 'H8',
        township: '石门乡',
        village: '白石村',
      }),
      row('household_registry', STRANGER, {
        name: '吴七',
        household_no: 'H8',
        township: '青山镇',
        village: '白石村',
      }),
    ];
    const rows = referenceRows((kind) => [...county, ...elsewhere].filter((r) => r.kind === kind));
    const registryRows = rows.filter((r) => r.kind === 'household_registry');
    const others = rows.filter((r) => r.kind !== 'household_registry');
    const sought = soughtInRegistry(
      others,
      askers.map((a) => a.row),
    );
    const outline = registryOutline(sought, compareRows);
    // The rows stream in any order; the namesakes' rows are read in a second pass, as the plan does.
    const kept = new Set([...registryRows].reverse().filter((r) => outline.add(r)));
    for (const r of registryRows) if (outline.namesakes().has(r.idNumber ?? '')) kept.add(r);
    const subset = rows.filter((r) => r.kind !== 'household_registry' || kept.has(r));

    expect(
      cutReferenceLayers(subset, outline.lookups([...kept].sort(compareRows)), placement, askers),
    ).toEqual(
      cutReferenceLayers(
        rows,
        buildReference((kind) => rows.filter((r) => r.kind === kind)),
        placement,
        askers,
      ),
    );
    expect(kept.size).toBeLessThan(registryRows.length);
    // The same, and in the same order (the manifest lists them so).
    expect([...outline.townships()]).toEqual([...villageTownships(registryRows)]);
    expect(outline.townships().get('白石村')).toBe('石门乡');
    const indexer = nameVillageIndexer();
    for (const r of registryRows) indexer.add(r);
    expect(outline.names).toEqual(indexer.index);
    expect(() => outline.lookups([...kept]).householdOf(IDLE)).toThrow();
  });
});
