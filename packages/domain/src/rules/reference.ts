import { type ColumnOf, type DatasetKind, kindOf } from '../kinds.js';
import { memoized } from '../memo.js';
import { normalizeTownshipName, normalizeVillageName } from '../normalize/division.js';
import { isValidIdNumber } from '../normalize/id.js';
import { normalizePersonName } from '../normalize/name.js';
import { compareRows, groupBy, hasUsableId, mostCommon, text } from './common.js';
import type { MatchInput, SourceRow } from './types.js';

/**
 * County-wide facts that rules need beyond one person's own rows: who lives in which
 * household, who is an official or on the payroll, which entity a credit code is, which
 * poverty household a person belongs to and what its members own. Built once per run from
 * the reference kinds ({@link referenceRow}), each shard from its cut ({@link cutReference}).
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
  /** Every registered person with this name in this village (IDs, sorted). */
  peopleByNameVillage(name: string, village: string): readonly string[];
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

/**
 * Reference kinds that rules read only through the {@link Reference}, never as rows of their
 * input (`rowsOf`): a match shard reads its slice of them into its reference only.
 * (The registry and poverty are read both ways: R08 compares a shard's payments with its
 * registry rows, R02/R03/R05 start from its poverty rows.)
 */
export const REFERENCE_ONLY_KINDS: ReadonlySet<DatasetKind> = new Set<DatasetKind>([
  'public_officials',
  'fiscal_payroll',
  'market_entities',
  'property_records',
  'vehicle_records',
]);

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

// The village rules and the reference ask for these for every row: a county has a few hundred spellings.
/** Comparison key of a village (`红星村委会` and `红星村` are the same village). */
export const villageKey: (village: string) => string = memoized(normalizeVillageName);

/** Comparison key of a township (`青山镇人民政府` is `青山镇`). */
export const townshipKey: (township: string) => string = memoized(normalizeTownshipName);

/** Comparison key of a person's name in a village (lost IDs are found by it). */
export function nameVillageKey(name: string, village: string): string {
  return normalizedNameVillageKey(normalizePersonName(name), village);
}

/** {@link nameVillageKey} of a name already normalized. */
function normalizedNameVillageKey(normalizedName: string, village: string): string {
  return `${normalizedName}|${villageKey(village)}`;
}

/**
 * Who each name in each village is, for finding lost IDs ({@link resolveLostId}) without the
 * registry's rows: by {@link nameVillageKey}, the one registered person of that name there, or
 * `''` when several are. Answers {@link Reference.personByNameVillage} exactly as a reference
 * built from the same `registry` rows would ({@link personByNameIndex}).
 */
export type NameVillageIndex = Map<string, string>;

/**
 * Something that adds registry rows to a {@link NameVillageIndex} (rows in any order, a
 * person's several rows too), each distinct name normalized once (a county has far fewer
 * names than people).
 */
export function nameVillageIndexer(index: NameVillageIndex = new Map()): {
  readonly index: NameVillageIndex;
  add(row: SourceRow): void;
  /** {@link normalizePersonName}, each distinct name once. */
  normalized(name: string): string;
} {
  const names = new Map<string, string>();
  const normalized = (name: string) => {
    let result = names.get(name);
    if (result === undefined) {
      result = normalizePersonName(name);
      names.set(name, result);
    }
    return result;
  };
  return {
    index,
    normalized,
    add(row) {
      const person = row as SourceRow<'household_registry'>;
      if (!hasUsableId(person)) return;
      const name = text(person, 'name');
      const village = text(person, 'village');
      if (name === undefined || village === undefined) return;
      const key = normalizedNameVillageKey(normalized(name), village);
      const known = index.get(key);
      if (known === undefined) index.set(key, person.idNumber);
      else if (known !== person.idNumber) index.set(key, '');
    },
  };
}

/** {@link Reference.personByNameVillage} answered from a {@link NameVillageIndex}. */
export function personByNameIndex(
  index: ReadonlyMap<string, string>,
): Pick<Reference, 'personByNameVillage'> {
  return { personByNameVillage: (name, village) => index.get(nameVillageKey(name, village)) || undefined };
}

/** The {@link nameVillageKey} a lost-ID row is looked up by, `undefined` when {@link resolveLostId} would not look it up. */
export function lostIdKey(row: SourceRow): string | undefined {
  const who = lostIdNameVillage(row);
  return who && nameVillageKey(who.name, who.village);
}

/** Reference kinds of which the run's reference keeps only what poverty-household members own (R02/R03 need nothing else). */
export const POVERTY_ASSET_KINDS: ReadonlySet<DatasetKind> = new Set<DatasetKind>([
  'property_records',
  'vehicle_records',
]);

/** The IDs of everyone in a poverty household: whose assets the run's reference keeps. */
export function povertyMemberIds(poverty: readonly SourceRow[]): Set<string> {
  return new Set(poverty.filter(hasUsableId).map((row) => row.idNumber));
}

/**
 * A row of a reference kind as the run's reference keeps it, or `undefined` when it keeps
 * none of it: property and vehicles only when owned by one of `povertyMembers`
 * ({@link POVERTY_ASSET_KINDS}), every row trimmed to its kind's evidence columns (rules read
 * no more of a reference row than its evidence shows). Applied as rows stream in, so that the
 * whole rows are never all held.
 */
export function referenceRow(row: SourceRow, povertyMembers?: ReadonlySet<string>): SourceRow | undefined {
  if (POVERTY_ASSET_KINDS.has(row.kind) && !(hasUsableId(row) && povertyMembers?.has(row.idNumber)))
    return undefined;
  const values: Record<string, SourceRow['values'][string]> = {};
  for (const column of kindOf(row.kind).evidence ?? []) {
    const value = row.values[column];
    if (value !== null && value !== undefined) values[column] = value;
  }
  return { ...row, values };
}

/**
 * The reference rows of some rows of the reference kinds (a match shard's own slice): each
 * kind in {@link RULE_REFERENCE_KINDS} order, as {@link referenceRow} keeps them, property and
 * vehicles of the poverty-household members among them.
 */
export function referenceRows(rows: (kind: DatasetKind) => readonly SourceRow[]): SourceRow[] {
  const povertyMembers = povertyMemberIds(rows('poverty_registry'));
  return RULE_REFERENCE_KINDS.flatMap((kind) =>
    rows(kind).flatMap((row) => referenceRow(row, povertyMembers) ?? []),
  );
}

/** Where the rows of a run's reference are matched: by person ID, and by the shard that reads a row itself. */
export interface ReferencePlacement {
  /** How many shards the run matches in. */
  readonly shards: number;
  /** The shard of a person's ID (where their own rows are matched). */
  readonly shardOfId: (idNumber: string) => number;
  /** The shard that reads a reference row in its own slice: the row never needs sending there. */
  readonly homeOf: (row: SourceRow) => number;
}

/**
 * A row of a county-keyed kind (village finance, projects) and the shard that matches it: its
 * rules look people up in the reference (R09's payee, R12's contractor), so the reference rows
 * those lookups read must be in that shard.
 */
export interface ReferenceAsker {
  readonly row: SourceRow;
  readonly shard: number;
}

/**
 * What each of `placement.shards` shards needs of the run's reference (its
 * {@link referenceRow}s) beyond the rows of its own slice: a shard's {@link buildReference}
 * over its own reference rows plus these (with the county's {@link villageTownships}) answers
 * every lookup its rules make exactly as the whole reference would. Only what the rules read
 * across shards is sent, a person's rows of a kind always all together:
 *
 * - **R04, households with someone employed.** A recipient's household members live in other
 *   shards; only the members who are officials or on the payroll matter (R04 asks for their
 *   official and payroll rows, and their registry rows for the evidence), so their registry,
 *   official and payroll rows go to the shards of every member of their households.
 * - **R02/R03, poverty households.** Every row of a poverty household, with or without a usable
 *   ID, goes to the shards of its members, and each member's property and vehicles with it.
 * - **R09/R12, the people village finance and projects name** (`askers`, keyed by village or
 *   project, not by person). For a payee's ID, or every registered person of the payee's name
 *   in the village (so that a shared name stays ambiguous), and for a contractor's ID or the
 *   legal representatives of the contracting entity (whose rows go too): their registry and
 *   official rows, and those of every official in their households.
 *
 * Rows keep their order, so lookups list them as the whole reference would.
 */
export function cutReference(
  rows: readonly SourceRow[],
  registry: Pick<Reference, 'registryRows' | 'householdOf' | 'peopleByNameVillage'>,
  placement: ReferencePlacement,
  askers: readonly ReferenceAsker[] = [],
): SourceRow[][] {
  const { households, asked } = cutReferenceLayers(rows, registry, placement, askers);
  return households.map((part, shard) => {
    const extra = asked[shard] ?? NONE;
    if (extra.length === 0) return part;
    const sent = new Set([...part, ...extra]);
    return rows.filter((row) => sent.has(row));
  });
}

/**
 * {@link cutReference} in two layers whose union per shard is the cut: what the households
 * need (R04, R02/R03), which depends on the reference kinds only, and what the askers' lookups
 * add to it (R09/R12; never a row the first layer already sends to that shard), so that a run
 * whose rules ask nothing of village finance and projects uses the first layer alone.
 */
export function cutReferenceLayers(
  rows: readonly SourceRow[],
  registry: Pick<Reference, 'registryRows' | 'householdOf' | 'peopleByNameVillage'>,
  placement: ReferencePlacement,
  askers: readonly ReferenceAsker[] = [],
): { households: SourceRow[][]; asked: SourceRow[][] } {
  const { shards, shardOfId, homeOf } = placement;
  // The other kinds' rows per person and per group (the registry's are looked up in `registry`).
  const officialsOf = new Map<string, SourceRow[]>();
  const payrollOf = new Map<string, SourceRow[]>();
  const assetsOf = new Map<string, SourceRow[]>();
  const entitiesByCode = new Map<string, SourceRow[]>();
  const povertyRows = new Map<string, SourceRow[]>();
  for (const row of rows) {
    if (row.kind === 'poverty_registry') {
      const household = text(row as SourceRow<'poverty_registry'>, 'household_no');
      if (household !== undefined) push(povertyRows, household, row);
    } else if (row.kind === 'market_entities') addEntity(entitiesByCode, row);
    else if (hasUsableId(row)) {
      // The other kinds are only looked up by usable IDs.
      if (row.kind === 'public_officials') push(officialsOf, row.idNumber, row);
      else if (row.kind === 'fiscal_payroll') push(payrollOf, row.idNumber, row);
      else if (POVERTY_ASSET_KINDS.has(row.kind)) push(assetsOf, row.idNumber, row);
    }
  }

  // Per row, the shards it goes to (never its home: that shard reads it anyway), per layer: a bit
  // per shard (a set of a million rows' shards was most of what building the cut allocated),
  // a set only when there are more shards than bits.
  const households: SentTo = new Map();
  const asked: SentTo = new Map();
  const wide = shards > MASK_SHARDS;
  let targets = households;
  const send = (list: readonly SourceRow[] | undefined, shard: number) => {
    for (const row of list ?? NONE) {
      if (homeOf(row) === shard || (targets === asked && isSentTo(households.get(row), shard))) continue;
      const sent = targets.get(row);
      if (!wide) targets.set(row, ((sent as number | undefined) ?? 0) | (1 << shard));
      else if (sent) (sent as Set<number>).add(shard);
      else targets.set(row, new Set([shard]));
    }
  };

  // R04: an employed person's rows, to the shards of their household's members.
  for (const id of new Set([...officialsOf.keys(), ...payrollOf.keys()]))
    for (const shard of new Set(registry.householdOf(id).map(shardOfId))) {
      send(registry.registryRows(id), shard);
      send(officialsOf.get(id), shard);
      send(payrollOf.get(id), shard);
    }

  // R02/R03: a poverty household and its members' assets, to its members' shards.
  for (const members of povertyRows.values()) {
    const ids = new Set(members.flatMap((row) => (hasUsableId(row) ? [row.idNumber] : [])));
    for (const shard of new Set([...ids].map(shardOfId))) {
      send(members, shard);
      for (const id of ids) send(assetsOf.get(id), shard);
    }
  }

  // R09/R12: a person a village's books or a project name, and their household's officials.
  targets = asked;
  const person = (id: string, shard: number) => {
    send(registry.registryRows(id), shard);
    send(officialsOf.get(id), shard);
    for (const member of registry.householdOf(id))
      if (member !== id && officialsOf.has(member)) {
        send(registry.registryRows(member), shard);
        send(officialsOf.get(member), shard);
      }
  };
  for (const { row, shard } of askers) {
    const named = namedBy(row, entitiesByCode);
    send(named.entities, shard);
    for (const id of named.ids) person(id, shard);
    if (named.name !== undefined)
      for (const namesake of registry.peopleByNameVillage(named.name.name, named.name.village))
        person(namesake, shard);
  }

  const layer = (sent: SentTo) => {
    const result: SourceRow[][] = Array.from({ length: shards }, () => []);
    for (const row of rows) {
      const to = sent.get(row);
      if (to === undefined) continue;
      if (typeof to !== 'number') for (const shard of to) result[shard]?.push(row);
      else for (let bits = to; bits !== 0; bits &= bits - 1) result[31 - Math.clz32(bits & -bits)]?.push(row);
    }
    return result;
  };
  return { households: layer(households), asked: layer(asked) };
}

/** The shards a row of a cut is sent to: a bit per shard, or (more shards than {@link MASK_SHARDS}) a set. */
type SentTo = Map<SourceRow, number | Set<number>>;

/** Shards a bit mask holds (`1 << shard` stays a positive 32-bit integer). */
const MASK_SHARDS = 30;

/** Whether `to` (a row's {@link SentTo}) holds `shard`. */
function isSentTo(to: number | Set<number> | undefined, shard: number): boolean {
  if (to === undefined) return false;
  return typeof to === 'number' ? (to & (1 << shard)) !== 0 : to.has(shard);
}

/** Add a market entity's row under its credit code. */
function addEntity(entitiesByCode: Map<string, SourceRow[]>, row: SourceRow): void {
  const code = text(row as SourceRow<'market_entities'>, 'credit_code');
  if (code !== undefined) push(entitiesByCode, code, row);
}

/** A name in a village: its every registered namesake is looked up (so that a shared name stays ambiguous). */
interface NameInVillage {
  readonly name: string;
  readonly village: string;
}

/**
 * Whom a row of village finance or projects names, as R09/R12 look them up: the payee or
 * contractor by ID, the payee by name in the village, the contracting entity (its rows, and
 * its legal representatives by ID).
 */
function namedBy(
  row: SourceRow,
  entitiesByCode: ReadonlyMap<string, readonly SourceRow[]>,
): { ids: readonly string[]; name?: NameInVillage; entities?: readonly SourceRow[] } {
  if (row.kind === 'village_finance') {
    const expense = row as SourceRow<'village_finance'>;
    const id = text(expense, 'counterparty_id');
    const name = text(expense, 'counterparty');
    const village = text(expense, 'village');
    if (id !== undefined) return { ids: [id] };
    return name !== undefined && village !== undefined
      ? { ids: NONE, name: { name, village } }
      : { ids: NONE };
  }
  if (row.kind !== 'livelihood_projects') return { ids: NONE };
  const code = text(row as SourceRow<'livelihood_projects'>, 'contractor_code');
  if (code === undefined) return { ids: NONE };
  if (isValidIdNumber(code)) return { ids: [code] };
  const entities = entitiesByCode.get(code);
  return { ids: (entities ?? NONE).flatMap((entity) => entity.idNumber ?? NONE), entities };
}

/**
 * Whom {@link cutReferenceLayers} looks up in the registry, known from the other reference
 * kinds and the askers before the registry is read: the IDs of everyone employed (officials,
 * payroll) and of everyone the askers name by ID, and the names in villages whose namesakes
 * it looks up ({@link registryOutline}).
 */
export function soughtInRegistry(
  rows: readonly SourceRow[],
  askers: readonly SourceRow[],
): { ids: Set<string>; names: NameInVillage[] } {
  const ids = new Set<string>();
  const entitiesByCode = new Map<string, SourceRow[]>();
  for (const row of rows)
    if (row.kind === 'market_entities') addEntity(entitiesByCode, row);
    else if ((row.kind === 'public_officials' || row.kind === 'fiscal_payroll') && hasUsableId(row))
      ids.add(row.idNumber);
  const names: NameInVillage[] = [];
  for (const row of askers) {
    const named = namedBy(row, entitiesByCode);
    for (const id of named.ids) ids.add(id);
    if (named.name !== undefined) names.push(named.name);
  }
  return { ids, names };
}

/**
 * The county's registry as {@link cutReferenceLayers} looks it up, without holding its rows
 * (at 1,000,000 persons they were most of what the plan held): registry rows are added as
 * they stream in, in any order, and only the rows of the people the cut may send are handed
 * to {@link RegistryOutline.lookups}. Built in the same pass: the registry's
 * {@link NameVillageIndex} and the township of each village.
 */
export interface RegistryOutline {
  /** Add a registry row (every row of the registry, once); whether it is a row of a sought ID (to be kept). */
  add(row: SourceRow): boolean;
  /** Who is who by name + village in the rows added ({@link nameVillageIndexer}). */
  readonly names: NameVillageIndex;
  /** IDs of every registered namesake of the sought names in their villages. */
  namesakes(): ReadonlySet<string>;
  /** {@link villageTownships} of the rows added. */
  townships(): Map<string, string>;
  /**
   * The cut's registry lookups, given every row (sorted) of the sought IDs and the namesakes;
   * asking about anyone else is an error (their rows were not kept).
   */
  lookups(
    rows: readonly SourceRow[],
  ): Pick<Reference, 'registryRows' | 'householdOf' | 'peopleByNameVillage'>;
}

/**
 * A {@link RegistryOutline} for the `sought` names ({@link soughtInRegistry}); `order` is the
 * order the registry's rows are sorted in (the first township seen in it wins a tie, as in
 * {@link villageTownships}).
 */
export function registryOutline(
  sought: { readonly ids: ReadonlySet<string>; readonly names: readonly NameInVillage[] },
  order: (a: SourceRow, b: SourceRow) => number,
): RegistryOutline {
  const indexer = nameVillageIndexer();
  const membersOf = new Map<string, string[]>();
  // Per sought village (by key), its sought names (normalized) and their namesakes' IDs.
  const soughtNames = new Map<string, Map<string, Set<string>>>();
  for (const { name, village } of sought.names) {
    const names = soughtNames.get(villageKey(village)) ?? new Map<string, Set<string>>();
    soughtNames.set(villageKey(village), names);
    const normalized = indexer.normalized(name);
    if (!names.has(normalized)) names.set(normalized, new Set());
  }
  // Per village (by key): its first row, and per township how many rows name it and the first
  // (in `order`: the rows are added in any order, the result is as if in that one).
  interface Seen {
    count: number;
    first: SourceRow;
  }
  const earliest = (seen: Seen, row: SourceRow) => {
    seen.count += 1;
    if (order(row, seen.first) < 0) seen.first = row;
  };
  const villages = new Map<string, { seen: Seen; townships: Map<string, Seen> }>();
  const namesakes = new Set<string>();
  const asked = (id: string) => {
    if (!sought.ids.has(id) && !namesakes.has(id))
      throw new Error('Registry rows of a person the cut does not seek were not kept');
  };
  return {
    names: indexer.index,
    add(row) {
      indexer.add(row);
      const person = row as SourceRow<'household_registry'>;
      const village = text(person, 'village');
      const township = text(person, 'township');
      if (village !== undefined) {
        const key = villageKey(village);
        const known = villages.get(key);
        if (known) earliest(known.seen, row);
        else villages.set(key, { seen: { count: 1, first: row }, townships: new Map() });
        const townships = (villages.get(key) as { townships: Map<string, Seen> }).townships;
        const seen = township === undefined ? undefined : townships.get(township);
        if (seen) earliest(seen, row);
        else if (township !== undefined) townships.set(township, { count: 1, first: row });
      }
      if (!hasUsableId(person)) return false;
      const household = text(person, 'household_no');
      if (household !== undefined) push(membersOf, household, person.idNumber);
      const name = text(person, 'name');
      const names = village === undefined ? undefined : soughtNames.get(villageKey(village));
      const ids = name === undefined ? undefined : names?.get(indexer.normalized(name));
      if (ids) {
        ids.add(person.idNumber);
        namesakes.add(person.idNumber);
      }
      return sought.ids.has(person.idNumber);
    },
    namesakes: () => namesakes,
    townships() {
      const result = new Map<string, string>();
      const inOrder = [...villages].sort(([, a], [, b]) => order(a.seen.first, b.seen.first));
      for (const [village, { townships }] of inOrder) {
        let best: (Seen & { township: string }) | undefined;
        for (const [township, seen] of townships)
          if (
            !best ||
            seen.count > best.count ||
            (seen.count === best.count && order(seen.first, best.first) < 0)
          )
            best = { township, ...seen };
        if (best) result.set(village, best.township);
      }
      return result;
    },
    lookups(rows) {
      const registry = groupBy(
        (rows as readonly SourceRow<'household_registry'>[]).filter(hasUsableId),
        (row) => row.idNumber,
      );
      return {
        registryRows(id) {
          asked(id);
          return registry.get(id) ?? NONE;
        },
        householdOf(id) {
          asked(id);
          return householdIn(id, registry.get(id) ?? NONE, membersOf);
        },
        peopleByNameVillage(name, village) {
          const ids = soughtNames.get(villageKey(village))?.get(indexer.normalized(name));
          if (!ids) throw new Error('A name in a village the cut does not seek was looked up');
          return [...ids].sort();
        },
      };
    },
  };
}

/** {@link Reference.householdOf} a person with these registry rows, from the IDs of each household's members. */
function householdIn(
  id: string,
  rows: readonly SourceRow<'household_registry'>[],
  membersOf: ReadonlyMap<string, Iterable<string>>,
): string[] {
  const members = new Set<string>([id]);
  for (const row of rows) {
    const household = text(row, 'household_no');
    for (const member of household === undefined ? NONE : (membersOf.get(household) ?? NONE))
      members.add(member);
  }
  return [...members].sort();
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * The township of each village (by {@link villageKey}) as the registry has it, the most common
 * one among the village's rows: a village cadre listed without a township still belongs to the
 * township of their village (CONTRACT.md §5 R12).
 */
export function villageTownships(registry: readonly SourceRow[]): Map<string, string> {
  const rows = registry as readonly SourceRow<'household_registry'>[];
  const townshipsOfVillage = groupBy(rows, (row) => {
    const village = text(row, 'village');
    return village === undefined ? undefined : villageKey(village);
  });
  const result = new Map<string, string>();
  for (const [village, list] of townshipsOfVillage) {
    const township = mostCommon(list.map((row) => text(row, 'township')));
    if (township !== undefined) result.set(village, township);
  }
  return result;
}

/**
 * Build the {@link Reference} lookups from the rows of the reference kinds (all of them, the
 * trimmed {@link referenceRow}s, or one shard's cut of them, {@link cutReference}, which comes
 * with the county's `townships` of villages since its registry is only part of the county's).
 * Pure; rows without a usable ID are only used where a rule can use them without an ID
 * (credit codes).
 */
export function buildReference(
  untyped: (kind: DatasetKind) => readonly SourceRow[],
  townships?: ReadonlyMap<string, string>,
): Reference {
  const rows = typed(untyped);
  const registry = new Map<string, SourceRow<'household_registry'>[]>();
  const householdMembers = new Map<string, string[]>();
  // Registered people by village, grouped when a name is first looked up (most shards look up
  // none); each village's name index is built when first asked for (normalizing every name of
  // the county costs more than the lookups of most shards).
  let villagers: Map<string, SourceRow<'household_registry'>[]> | undefined;
  const villagersOf = (key: string): readonly SourceRow<'household_registry'>[] => {
    if (!villagers) {
      villagers = new Map();
      for (const row of rows('household_registry')) {
        const village = text(row, 'village');
        if (hasUsableId(row) && text(row, 'name') !== undefined && village !== undefined)
          push(villagers, villageKey(village), row);
      }
    }
    return villagers.get(key) ?? NONE;
  };
  const namesByVillage = new Map<string, Map<string, Set<string>>>();
  const namesakes = (name: string, village: string): ReadonlySet<string> | undefined => {
    const key = villageKey(village);
    let names = namesByVillage.get(key);
    if (!names) {
      names = new Map();
      for (const row of villagersOf(key))
        addTo(names, normalizePersonName(text(row, 'name')), row.idNumber as string);
      namesByVillage.set(key, names);
    }
    return names.get(normalizePersonName(name));
  };
  for (const row of rows('household_registry')) {
    if (!hasUsableId(row)) continue;
    push(registry, row.idNumber, row);
    const household = text(row, 'household_no');
    // A person's several rows list them twice: `householdIn` counts each member once.
    if (household !== undefined) push(householdMembers, household, row.idNumber);
  }

  const villageTownship = townships ?? villageTownships(rows('household_registry'));

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
    householdOf: (id) => householdIn(id, registry.get(id) ?? NONE, householdMembers),
    personByNameVillage(name, village) {
      const ids = namesakes(name, village);
      return ids !== undefined && ids.size === 1 ? [...ids][0] : undefined;
    },
    peopleByNameVillage: (name, village) => [...(namesakes(name, village) ?? NONE)].sort(),
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

/** Whether a row's ID was destroyed (a spreadsheet's `4.30521E+17`) and not yet recovered by name + village. */
export function hasLostId(row: SourceRow): boolean {
  return row.idStatus === 'lost' && row.idNumber === undefined;
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
  const who = lostIdNameVillage(row);
  const idNumber = who && reference.personByNameVillage(who.name, who.village);
  return idNumber === undefined ? undefined : { ...row, idNumber, identifiedBy: 'name_village' };
}

/** The name and village a lost-ID row of a resolvable kind names, `undefined` when it isn't one or lacks either. */
function lostIdNameVillage(row: SourceRow): { name: string; village: string } | undefined {
  if (!hasLostId(row)) return undefined;
  const nameColumn = NAME_COLUMN_OF_RESOLVABLE_KIND[row.kind];
  if (nameColumn === undefined) return undefined;
  // A resolvable kind has the name column it declares and a village.
  const resolvable = row as SourceRow<'subsidy_payments' | 'poverty_registry'>;
  const name = text(resolvable, nameColumn as ColumnOf<typeof resolvable.kind>);
  const village = text(resolvable, 'village');
  return name === undefined || village === undefined ? undefined : { name, village };
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
