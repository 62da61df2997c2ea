import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../src/config.js';
import { evaluateDeceasedRecipient } from '../../src/rules/r01-deceased-recipient.js';
import { evaluateUnregisteredRecipient } from '../../src/rules/r08-unregistered-recipient.js';
import {
  buildReference,
  povertyMemberIds,
  RULE_REFERENCE_KINDS,
  referenceRow,
  resolveLostId,
  withResolvedIds,
} from '../../src/rules/reference.js';
import { death, payment, povertyMember, property, resident, shard, validId } from './fixtures.js';

const WANG = validId('19400101', 71);
const LI_A = validId('19410101', 72);
const LI_B = validId('19420101', 73);

const registry = [
  resident({ id: WANG, name: '王建國', village: '红星村', household: 'H1' }),
  resident({ id: LI_A, name: '李娟', village: '红星村', household: 'H2' }),
  resident({ id: LI_B, name: '李娟', village: '红星村', household: 'H3' }),
];
const reference = buildReference(shard(registry).rows);

describe('identity: name + village fallback for lost IDs', () => {
  it('recovers a lost ID only when exactly one registered person has that name in that village', () => {
    const lost = payment({ idStatus: 'lost', name: '王 建国', village: '红星村委会' });
    expect(resolveLostId(lost, reference)).toMatchObject({ idNumber: WANG, identifiedBy: 'name_village' });
    expect(
      resolveLostId(payment({ idStatus: 'lost', name: '李娟', village: '红星村' }), reference),
    ).toBeUndefined();
    expect(
      resolveLostId(payment({ idStatus: 'lost', name: '王建国', village: '白沙村' }), reference),
    ).toBeUndefined();
    // Name alone never: a row without a village is not matched, nor is one whose ID was merely absent.
    expect(resolveLostId({ ...lost, values: { ...lost.values, village: null } }, reference)).toBeUndefined();
    expect(resolveLostId(payment({ name: '王建国', village: '红星村' }), reference)).toBeUndefined();
  });

  it('lets R01 find a deceased person paid under a destroyed ID, as a name_village lead', () => {
    const rows = [
      ...registry,
      death({ id: WANG, date: '2023-01-10' }),
      payment({ id: WANG, period: '2023-03', yuan: 100, village: '红星村' }),
      payment({ idStatus: 'lost', name: '王建国', period: '2023-04', yuan: 100, village: '红星村' }),
    ];
    expect(evaluateDeceasedRecipient(shard(rows), DEFAULT_RULE_CONFIG)).toMatchObject([
      { amount: 10_000, match: 'id' },
    ]);
    const [finding] = evaluateDeceasedRecipient(withResolvedIds(shard(rows)), DEFAULT_RULE_CONFIG);
    expect(finding).toMatchObject({
      subjectKey: `${WANG}|DIBAO_RURAL`,
      amount: 20_000,
      match: 'name_village',
    });
  });

  it('never lets a recovered ID fire R08', () => {
    const rows = [
      ...registry,
      payment({ idStatus: 'lost', name: '王建国', period: '2023-04', village: '红星村' }),
    ];
    expect(evaluateUnregisteredRecipient(withResolvedIds(shard(rows)), DEFAULT_RULE_CONFIG)).toEqual([]);
  });

  it('keeps only the reference rows rules need: assets of poverty members, trimmed columns', () => {
    const input = shard([
      ...registry,
      povertyMember({ id: WANG, household: 'P1' }),
      property({ id: WANG, housingType: '商品房' }),
      property({ id: LI_A, housingType: '商品房' }),
    ]).rows;
    const members = povertyMemberIds(input('poverty_registry'));
    const rows = RULE_REFERENCE_KINDS.flatMap((kind) =>
      input(kind).flatMap((row) => referenceRow(row, members) ?? []),
    );
    expect(rows.map((r) => r.kind)).toEqual([
      'household_registry',
      'household_registry',
      'household_registry',
      'poverty_registry',
      'property_records',
    ]);
    expect(Object.keys(rows[0]?.values ?? {}).sort()).toEqual([
      'household_no',
      'id_number',
      'name',
      'township',
      'village',
    ]);
    expect(buildReference(shard(rows).rows).householdOf(WANG)).toEqual([WANG]);
  });
});
