import type { NormalizedRow } from '../model.js';
import { normalizePersonName } from '../normalize/name.js';
import { hasUsableId } from '../rules/common.js';
import { nameVillageKey, resolveLostId } from '../rules/reference.js';

/**
 * Who a disclosed payment went to, so that "recipients" counts each person once (CONTRACT.md
 * §3 identity): a payment row with an ID (as given or repaired) is its ID's person; a row whose
 * ID a spreadsheet destroyed is the one registered person with the same name in the same
 * village (`resolveLostId`, never by name alone); a row that can't be tied to anyone (no
 * registry, no or several persons of that name in the village, or an invalid ID) stays a
 * recipient of its own, named by name + township + village.
 */
export interface Recipient {
  /** The person's key: an ID number, or `{name}|{township}|{village}` for an untied row. */
  readonly key: string;
  /** The person's ID number when known (given, repaired or found by name + village). */
  readonly idNumber?: string;
}

/**
 * The registry's persons by name + village, for the lost IDs of payment rows. Built from the
 * registry rows in force; `wanted` (name + village keys of the lost rows) keeps it to the few
 * keys it will be asked for, so a county's registry isn't held in memory.
 */
export class LostIdIndex {
  private readonly ids = new Map<string, Set<string>>();

  constructor(private readonly wanted?: ReadonlySet<string>) {}

  /** The name + village key of a row (`undefined` without a name or a village). */
  static keyOf(name: unknown, village: unknown): string | undefined {
    if (typeof name !== 'string' || typeof village !== 'string' || !name || !village) return undefined;
    return nameVillageKey(name, village);
  }

  /** Add one registry row. */
  addRegistryRow(row: NormalizedRow): void {
    if (!hasUsableId({ ...row, kind: 'household_registry', versionId: '' })) return;
    const key = LostIdIndex.keyOf(row.values.name, row.values.village);
    if (key === undefined || (this.wanted && !this.wanted.has(key))) return;
    const ids = this.ids.get(key) ?? new Set<string>();
    ids.add(row.idNumber as string);
    this.ids.set(key, ids);
  }

  /**
   * The persons of every wanted key (none for a key no registry row has); with {@link
   * LostIdIndex.of} it is kept between runs while the registry and the lost rows stay the same.
   */
  entries(): [string, string[]][] {
    const keys = this.wanted ?? this.ids.keys();
    return [...keys].sort().map((k) => [k, [...(this.ids.get(k) ?? [])].sort().slice(0, 2)]);
  }

  /** An index of kept {@link LostIdIndex.entries}. */
  static of(entries: readonly (readonly [string, readonly string[]])[]): LostIdIndex {
    const index = new LostIdIndex();
    for (const [key, ids] of entries) index.ids.set(key, new Set(ids));
    return index;
  }

  /** The one registered person with this name in this village, if exactly one. */
  personByNameVillage(name: string, village: string): string | undefined {
    const ids = this.ids.get(nameVillageKey(name, village));
    return ids !== undefined && ids.size === 1 ? [...ids][0] : undefined;
  }

  /** The recipient of a payment row. */
  recipientOf(row: NormalizedRow): Recipient {
    const idNumber =
      row.idNumber ??
      resolveLostId({ ...row, kind: 'subsidy_payments', versionId: '' }, this)?.idNumber ??
      undefined;
    if (idNumber) return { key: idNumber, idNumber };
    const v = row.values;
    const name = normalizePersonName(typeof v.recipient_name === 'string' ? v.recipient_name : null);
    return { key: `${name}|${String(v.township ?? '')}|${String(v.village ?? '')}` };
  }
}

/** Whether a payment row's ID was destroyed (it can only be tied to a person by name + village). */
export function lostId(row: NormalizedRow): boolean {
  return row.idStatus === 'lost' && !row.idNumber;
}
