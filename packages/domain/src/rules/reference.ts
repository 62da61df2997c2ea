import { type ColumnOf, type DatasetKind, kindOf } from '../kinds.js';
import { normalizeTownshipName, normalizeVillageName } from '../normalize/division.js';
import { normalizePersonName } from '../normalize/name.js';
import { compareRows, groupBy, hasUsableId, mostCommon, text } from './common.js';
import type { MatchInput, SourceRow } from './types.js';

/**
 * County-wide facts that rules need beyond one person's own rows: who lives in which
 * household, who is an official or on the payroll, which entity a credit code is, which
 * poverty household a person belongs to and what its members own. Built once per run from
 * the reference kinds ({@link referenceRows}) and shared by every shard.
 */
export interface Reference {
  /** `household_registry` rows of a person (usually one). */
  registryRows(idNumber: string): readonly SourceRow<'household_registry'>[];
  /**
   * IDs of the household members of a person per CONTRACT.md §5 ("household member of X
   * includes X"): everyone with one of the person's `household_no`s, and the person. A
   * person missing from the registry is only their own household.
   */
  householdOf(idNumber: string): readonly string[];
  /** The one registered person with this name in this village; `undefined` when none or several fit. */
  personByNameVillage(name: string, village: string): string | undefined;
  /** `public_officials` rows of a person. */
  officialRows(idNumber: string): readonly SourceRow<'public_officials'>[];
  /** `fiscal_payroll` rows of a person. */
  payrollRows(idNumber: string): readonly SourceRow<'fiscal_payroll'>[];
  /** Officials whose `township` is this township (village cadres included), any category. */
  officialsOfTownship(township: string): readonly SourceRow<'public_officials'>[];
  /** `public_officials` rows of this category whose village is `village` (and township, when both say one). */
  officialsOfVillage(
    village: string,
    township: string | undefined,
    category: string,
  ): readonly SourceRow<'public_officials'>[];
  /** `market_entities` rows with this credit code. */
  entitiesByCode(code: string): readonly SourceRow<'market_entities'>[];
  /** `market_entities` rows whose legal representative has this ID. */
  entitiesOfRep(idNumber: string): readonly SourceRow<'market_entities'>[];
  /** `household_no`s of the poverty households a person is a member of. */
  povertyHouseholdsOf(idNumber: string): readonly string[];
  /** Every `poverty_registry` row of a poverty household. */
  povertyMembers(householdNo: string): readonly SourceRow<'poverty_registry'>[];
  /** `property_records` and `vehicle_records` rows owned by a person (kept for poverty-household members). */
  assetsOf(idNumber: string): readonly SourceRow<'property_records' | 'vehicle_records'>[];
}

/** Kinds the reference is built from: the plan step reads these in full, once per run. */
export const RULE_REFERENCE_KINDS: readonly DatasetKind[] = [
  'household_registry',
  'public_officials',
  'fiscal_payroll',
  'market_entities',
  'poverty_registry',
  'property_records',
  'vehicle_records',
];

/** Kinds whose lost IDs can be recovered by name + village, and the column holding the name (the kind's name column). */
export const NAME_COLUMN_OF_RESOLVABLE_KIND: Readonly<Partial<Record<DatasetKind, string>>> = {
  subsidy_payments: kindOf('subsidy_payments').nameColumn,
  poverty_registry: kindOf('poverty_registry').nameColumn,
};

/** `rows` typed by kind: it holds rows of the asked kind only. */
function typed(
  rows: (kind: DatasetKind) => readonly SourceRow[],
): <K extends DatasetKind>(kind: K) => readonly SourceRow<K>[] {
  return <K extends DatasetKind>(kind: K) => rows(kind) as readonly SourceRow<K>[];
}

/** Comparison key of a village (`红星村委会` and `红星村` are the same village). */
export function villageKey(village: string): string {
  return normalizeVillageName(village);
}

/** Comparison key of a township (`青山镇人民政府` is `青山镇`). */
export function townshipKey(township: string): string {
  return normalizeTownshipName(township);
}

/** Comparison key of a person's name in a village (lost IDs are found by it). */
export function nameVillageKey(name: string, village: string): string {
  return `${normalizePersonName(name)}|${villageKey(village)}`;
}

/**
 * The rows the run's reference is built from: every row of the reference kinds except
 * property and vehicles, of which only those owned by a poverty-household member are kept
 * (R02/R03 need nothing else), each trimmed to its kind's evidence columns.
 */
export function referenceRows(untyped: (kind: DatasetKind) => readonly SourceRow[]): SourceRow[] {
  const rows = typed(untyped);
  const povertyIds = new Set(
    rows('poverty_registry')
      .filter(hasUsableId)
      .map((row) => row.idNumber),
  );
  const result: SourceRow[] = [];
  for (const kind of RULE_REFERENCE_KINDS) {
    // Rules read no more of a reference row than its evidence shows.
    const keep: readonly string[] = kindOf(kind).evidence ?? [];
    const isAsset = kind === 'property_records' || kind === 'vehicle_records';
    for (const row of rows(kind)) {
      if (isAsset && !(hasUsableId(row) && povertyIds.has(row.idNumber))) continue;
      const values: Record<string, SourceRow['values'][string]> = {};
      for (const column of keep) {
        const value = row.values[column];
        if (value !== null && value !== undefined) values[column] = value;
      }
      result.push({ ...row, values });
    }
  }
  return result;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * Build the {@link Reference} lookups from the rows of the reference kinds (all of them, or
 * the trimmed {@link referenceRows}). Pure; rows without a usable ID are only used where a
 * rule can use them without an ID (credit codes).
 */
export function buildReference(untyped: (kind: DatasetKind) => readonly SourceRow[]): Reference {
  const rows = typed(untyped);
  const registry = new Map<string, SourceRow<'household_registry'>[]>();
  const householdMembers = new Map<string, Set<string>>();
  const nameVillage = new Map<string, Set<string>>();
  for (const row of rows('household_registry')) {
    if (!hasUsableId(row)) continue;
    push(registry, row.idNumber, row);
    const household = text(row, 'household_no');
    if (household !== undefined) {
      const members = householdMembers.get(household) ?? new Set<string>();
      members.add(row.idNumber);
      householdMembers.set(household, members);
    }
    const name = text(row, 'name');
    const village = text(row, 'village');
    if (name !== undefined && village !== undefined) {
      const key = nameVillageKey(name, village);
      const ids = nameVillage.get(key) ?? new Set<string>();
      ids.add(row.idNumber);
      nameVillage.set(key, ids);
    }
  }

  // The township of each village as the registry has it: a village cadre listed without a
  // township still belongs to the township of their village (CONTRACT.md §5 R12).
  const townshipsOfVillage = groupBy(rows('household_registry'), (row) => {
    const village = text(row, 'village');
    return village === undefined ? undefined : villageKey(village);
  });
  const villageTownship = new Map<string, string>();
  for (const [village, list] of townshipsOfVillage) {
    const township = mostCommon(list.map((row) => text(row, 'township')));
    if (township !== undefined) villageTownship.set(village, township);
  }

  const officials = new Map<string, SourceRow<'public_officials'>[]>();
  const byTownship = new Map<string, SourceRow<'public_officials'>[]>();
  const byVillage = new Map<string, SourceRow<'public_officials'>[]>();
  for (const row of rows('public_officials')) {
    if (!hasUsableId(row)) continue;
    push(officials, row.idNumber, row);
    const village = text(row, 'village');
    const township =
      text(row, 'township') ?? (village === undefined ? undefined : villageTownship.get(villageKey(village)));
    if (township !== undefined) push(byTownship, townshipKey(township), row);
    if (village !== undefined) push(byVillage, villageKey(village), row);
  }

  const payroll = groupBy(rows('fiscal_payroll').filter(hasUsableId), (row) => row.idNumber);
  const entitiesByCode = groupBy(rows('market_entities'), (row) => text(row, 'credit_code'));
  const entitiesOfRep = groupBy(rows('market_entities').filter(hasUsableId), (row) => row.idNumber);

  const poverty = new Map<string, SourceRow<'poverty_registry'>[]>();
  const povertyOf = new Map<string, Set<string>>();
  for (const row of rows('poverty_registry')) {
    const household = text(row, 'household_no');
    if (household === undefined) continue;
    push(poverty, household, row);
    if (!hasUsableId(row)) continue;
    const households = povertyOf.get(row.idNumber) ?? new Set<string>();
    households.add(household);
    povertyOf.set(row.idNumber, households);
  }
  for (const list of poverty.values()) list.sort(compareRows);

  const assets = groupBy(
    [...rows('property_records'), ...rows('vehicle_records')].filter(hasUsableId),
    (row) => row.idNumber,
  );

  return {
    registryRows: (id) => registry.get(id) ?? NONE,
    householdOf(id) {
      const members = new Set<string>([id]);
      for (const row of registry.get(id) ?? NONE) {
        const household = text(row, 'household_no');
        for (const member of household === undefined ? NONE : (householdMembers.get(household) ?? NONE))
          members.add(member);
      }
      return [...members].sort();
    },
    personByNameVillage(name, village) {
      const ids = nameVillage.get(nameVillageKey(name, village));
      return ids !== undefined && ids.size === 1 ? [...ids][0] : undefined;
    },
    officialRows: (id) => officials.get(id) ?? NONE,
    payrollRows: (id) => payroll.get(id) ?? NONE,
    officialsOfTownship: (township) => byTownship.get(townshipKey(township)) ?? NONE,
    officialsOfVillage(village, township, category) {
      return (byVillage.get(villageKey(village)) ?? NONE).filter((row) => {
        if (text(row, 'category') !== category) return false;
        const own = text(row, 'township');
        return township === undefined || own === undefined || townshipKey(own) === townshipKey(township);
      });
    },
    entitiesByCode: (code) => entitiesByCode.get(code) ?? NONE,
    entitiesOfRep: (id) => entitiesOfRep.get(id) ?? NONE,
    povertyHouseholdsOf: (id) => [...(povertyOf.get(id) ?? NONE)].sort(),
    povertyMembers: (household) => poverty.get(household) ?? NONE,
    assetsOf: (id) => assets.get(id) ?? NONE,
  };
}

/**
 * A row with a lost ID, identified by name + village against the registry when exactly one
 * registered person fits (CONTRACT.md §3: never by name alone). `undefined` when the row's
 * ID isn't lost, its kind carries no name and village, or no single person fits.
 */
export function resolveLostId(
  row: SourceRow,
  reference: Pick<Reference, 'personByNameVillage'>,
): SourceRow | undefined {
  if (row.idStatus !== 'lost' || row.idNumber !== undefined) return undefined;
  const nameColumn = NAME_COLUMN_OF_RESOLVABLE_KIND[row.kind];
  if (nameColumn === undefined) return undefined;
  // A resolvable kind has the name column it declares and a village.
  const resolvable = row as SourceRow<'subsidy_payments' | 'poverty_registry'>;
  const name = text(resolvable, nameColumn as ColumnOf<typeof resolvable.kind>);
  const village = text(resolvable, 'village');
  if (name === undefined || village === undefined) return undefined;
  const idNumber = reference.personByNameVillage(name, village);
  return idNumber === undefined ? undefined : { ...row, idNumber, identifiedBy: 'name_village' };
}

const references = new WeakMap<MatchInput, Reference>();

/** The input's reference, or one built from its own rows (a single shard holding everything). */
export function referenceOf(input: MatchInput): Reference {
  if (input.reference) return input.reference;
  let reference = references.get(input);
  if (!reference) {
    reference = buildReference((kind) => input.rows(kind));
    references.set(input, reference);
  }
  return reference;
}

/**
 * `input` with every lost ID that name + village can recover filled in (the pipeline does
 * this across shards in its plan step; this is the same for data that is all in one place).
 */
export function withResolvedIds(input: MatchInput): MatchInput {
  const reference = referenceOf(input);
  const cache = new Map<DatasetKind, readonly SourceRow[]>();
  return {
    ...input,
    reference,
    rows(kind) {
      let rows = cache.get(kind);
      if (!rows) {
        rows = input.rows(kind).map((row) => resolveLostId(row, reference) ?? row);
        cache.set(kind, rows);
      }
      return rows;
    },
  };
}
