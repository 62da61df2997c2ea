import type { MatchQuality, RuleCode } from '@jiandu/domain/model';
import { addMonths, monthOrdinal } from './calendar.js';
import { readId } from './ids.js';
import { comparableName } from './names.js';
import type { DeathRecord, PaymentRecord, RegistryRecord } from './records.js';

/** A lead the platform must produce from the demo county. */
export interface ExpectedLead {
  readonly rule: RuleCode;
  /** The platform's subject key of the lead (see `subject-keys.ts`), e.g. `${idNumber18}|${programCode}` for R01. */
  readonly subjectKey: string;
  /** Integer fen: the exact sum of the firing payments. */
  readonly amount: number;
  readonly match: MatchQuality;
  readonly township: string;
  readonly village: string;
  /** Number of firing rows (payments, properties, vouchers …). */
  readonly payments: number;
  /** What was planted, for people reading the truth file. */
  readonly note: string;
  /** A row that establishes the lead carries a 15-digit ID that must be upgraded. */
  readonly needsRepair: boolean;
  /** A row that establishes the lead lost its ID and is only found by name + village. */
  readonly needsFallback: boolean;
}

/** Something that looks like a lead but must not become one. */
export interface Decoy {
  readonly rule: RuleCode;
  /** The subject key the lead would have; for R01 `${idNumber18}|*` marks a death with no payment at all. */
  readonly subjectKey: string;
  readonly why: string;
}

const MATCH_RANK: Readonly<Record<MatchQuality, number>> = { id: 0, repaired_id: 1, name_village: 2 };

/**
 * R01 (DECEASED_RECIPIENT) ground truth, computed from the rows as written — independently of
 * the platform's normalizer and rules. A payment fires when its month ≥ death month + 2
 * (earliest death date over all death records). A row's person is its ID read as a data
 * officer would (15-digit IDs upgraded); a destroyed ID falls back to the registry person
 * with the same name in the same village, when there is exactly one.
 */
export function deceasedRecipientTruth(
  registry: readonly RegistryRecord[],
  deaths: readonly DeathRecord[],
  payments: readonly PaymentRecord[],
): { leads: ExpectedLead[]; decoys: Decoy[] } {
  const byNameVillage = new Map<string, string | null>();
  const residence = new Map<string, { township: string; village: string }>();
  for (const r of registry) {
    const read = readId(r.idText);
    if (read.status === 'lost') continue;
    const key = `${r.village.code}|${comparableName(r.nameText)}`;
    byNameVillage.set(key, byNameVillage.has(key) ? null : read.id18);
    residence.set(read.id18, { township: r.village.township.name, village: r.village.name });
  }
  const deathDate = new Map<string, { date: string; sources: Set<string> }>();
  for (const d of deaths) {
    const read = readId(d.idText);
    if (read.status === 'lost') continue;
    const known = deathDate.get(read.id18);
    if (known === undefined) deathDate.set(read.id18, { date: d.date, sources: new Set([d.source]) });
    else {
      known.sources.add(d.source);
      if (d.date < known.date) known.date = d.date;
    }
  }

  interface Group {
    id18: string;
    program: string;
    township: string;
    village: string;
    months: string[];
    firing: { month: string; fen: number; match: MatchQuality; form: string }[];
  }
  const groups = new Map<string, Group>();
  for (const p of payments) {
    const read = readId(p.idText);
    let id18: string | undefined;
    let match: MatchQuality;
    if (read.status === 'lost') {
      id18 = byNameVillage.get(`${p.village.code}|${comparableName(p.nameText)}`) ?? undefined;
      match = 'name_village';
    } else {
      id18 = read.id18;
      match = read.status === 'repaired' ? 'repaired_id' : 'id';
    }
    if (id18 === undefined) continue;
    const death = deathDate.get(id18);
    if (death === undefined) continue;
    const key = `${id18}|${p.program}`;
    const place = residence.get(id18) ?? { township: p.village.township.name, village: p.village.name };
    const group = groups.get(key) ?? { id18, program: p.program, ...place, months: [], firing: [] };
    groups.set(key, group);
    group.months.push(p.month);
    if (monthOrdinal(p.month) >= monthOrdinal(death.date) + 2) {
      group.firing.push({ month: p.month, fen: p.amountFen, match, form: p.idForm });
    }
  }

  const leads: ExpectedLead[] = [];
  const decoys: Decoy[] = [];
  for (const [key, g] of groups) {
    const death = deathDate.get(g.id18) as { date: string; sources: Set<string> };
    const deathMonth = death.date.slice(0, 7);
    const sources = [...death.sources].sort().join('+');
    if (g.firing.length === 0) {
      const lastPaid = [...g.months].sort()[g.months.length - 1] as string;
      const why =
        lastPaid === addMonths(deathMonth, 1)
          ? `died ${deathMonth} (${sources}); last paid ${lastPaid}, the grace month after the death month`
          : lastPaid === deathMonth
            ? `died ${deathMonth} (${sources}); last paid in the death month`
            : `died ${deathMonth} (${sources}); paid only before the death (last ${lastPaid})`;
      decoys.push({ rule: 'R01', subjectKey: key, why });
      continue;
    }
    const match = g.firing.reduce<MatchQuality>(
      (worst, f) => (MATCH_RANK[f.match] > MATCH_RANK[worst] ? f.match : worst),
      'id',
    );
    const firingMonths = g.firing.map((f) => f.month).sort();
    const forms = [...new Set(g.firing.map((f) => f.form))].sort().join('+');
    leads.push({
      rule: 'R01',
      subjectKey: key,
      amount: g.firing.reduce((sum, f) => sum + f.fen, 0),
      match,
      township: g.township,
      village: g.village,
      payments: g.firing.length,
      needsRepair: g.firing.some((f) => f.match === 'repaired_id'),
      needsFallback: g.firing.some((f) => f.match === 'name_village'),
      note: `died ${death.date} (${sources}); paid ${g.program} ${g.firing.length}x for ${firingMonths[0]}..${firingMonths[firingMonths.length - 1]} after the grace month; ID on roster: ${forms}`,
    });
  }
  // People who died and were never paid anything.
  const paid = new Set([...groups.values()].map((g) => g.id18));
  for (const [id18, death] of deathDate) {
    if (!paid.has(id18))
      decoys.push({
        rule: 'R01',
        subjectKey: `${id18}|*`,
        why: `died ${death.date.slice(0, 7)}; never paid`,
      });
  }
  leads.sort((a, b) => (a.subjectKey < b.subjectKey ? -1 : 1));
  decoys.sort((a, b) => (a.subjectKey < b.subjectKey ? -1 : 1));
  return { leads, decoys };
}
