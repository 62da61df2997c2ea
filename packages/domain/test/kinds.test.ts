import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  APPEND_KINDS,
  type ColumnOf,
  columnsOf,
  DATASET_KINDS,
  inUploadOrder,
  isDatasetKind,
  isSnapshotKind,
  KIND_LABELS,
  KINDS,
  kindOf,
  REFERENCE_KINDS,
} from '../src/kinds.js';

describe('dataset kind registry', () => {
  it('lists the 14 kinds of the contract once, with their labels and version behaviour', () => {
    expect(DATASET_KINDS).toHaveLength(14);
    expect(new Set(DATASET_KINDS).size).toBe(14);
    expect([...APPEND_KINDS].sort()).toEqual(['notices', 'subsidy_payments', 'village_finance']);
    expect([...REFERENCE_KINDS]).toEqual([
      'household_registry',
      'death_records',
      'public_officials',
      'fiscal_payroll',
      'market_entities',
      'property_records',
      'vehicle_records',
      'social_insurance',
    ]);
    expect(KIND_LABELS.subsidy_payments).toBe('民生资金发放明细');
    expect(isSnapshotKind('divisions')).toBe(true);
    expect(isSnapshotKind('village_finance')).toBe(false);
    expect(isDatasetKind('notices')).toBe(true);
    expect(isDatasetKind('payments')).toBe(false);
  });

  it('declares typed columns: requirements and the name column are columns of the kind', () => {
    for (const kind of KINDS) {
      const names = new Set(kind.columns.map((c) => c.name));
      expect(names.size, kind.kind).toBe(kind.columns.length);
      for (const group of [...kind.required, ...kind.rowRequired])
        for (const name of group) expect(names.has(name), `${kind.kind}.${name}`).toBe(true);
      if (kind.nameColumn !== undefined) expect(names.has(kind.nameColumn)).toBe(true);
    }
    expect(columnsOf('death_records').map((c) => c.name)).toEqual([
      'id_number',
      'name',
      'death_date',
      'source',
    ]);
    expect(kindOf('property_records').columns.find((c) => c.name === 'address')?.label).toBe('坐落');
    // Village books have a payee, not a subject: their rows meet by village alone.
    expect(kindOf('village_finance').nameColumn).toBeUndefined();
    expectTypeOf<'program_name'>().toExtend<ColumnOf<'subsidy_payments'>>();
    // Several kinds: only the columns all of them have.
    expectTypeOf<ColumnOf<'death_records' | 'household_registry'>>().toEqualTypeOf<'id_number' | 'name'>();
  });

  it('orders files for upload: divisions, reference databases, other snapshots, books, payments', () => {
    const files = [
      'subsidy_payments',
      'poverty_registry',
      'death_records',
      'divisions',
      'police',
      'notices',
      'household_registry',
      'village_finance',
    ].map((kind) => ({ kind }));
    expect(inUploadOrder(files).map((f) => f.kind)).toEqual([
      'divisions',
      'household_registry',
      'death_records',
      'poverty_registry',
      'village_finance',
      'notices',
      'subsidy_payments',
      'police',
    ]);
    const two = [
      { kind: 'notices', key: 'b' },
      { kind: 'notices', key: 'a' },
    ];
    expect(inUploadOrder(two).map((f) => f.key)).toEqual(['b', 'a']);
    expect(inUploadOrder(two, (a, b) => a.key.localeCompare(b.key)).map((f) => f.key)).toEqual(['a', 'b']);
  });
});
