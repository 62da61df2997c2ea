import type { MatchQuality, RuleCode } from '@jiandu/domain/model';
import { epochDay } from './calendar.js';
import { readId } from './ids.js';
import { comparableName } from './names.js';
import type {
  DeathRecord,
  EntityRecord,
  InsuranceRecord,
  OfficialRecord,
  PaymentRecord,
  PayrollRecord,
  PovertyRecord,
  ProjectRecord,
  PropertyRecord,
  RegistryRecord,
  VehicleRecord,
  VoucherRecord,
} from './records.js';
import { subjectKeys } from './subject-keys.js';
import type { Decoy, ExpectedLead } from './truth.js';

/**
 * Ground truth of R02–R12, computed from the rows as written — a second, independent reading
 * of CONTRACT.md §5 that shares no code with the platform's rules. IDs are read with the
 * generator's own reader (15-digit numbers upgraded, destroyed numbers lost); a payment whose
 * ID was lost falls back to the one registry person of that name in that village.
 */

/** Every row of the county, as written. */
export interface CountyRecords {
  readonly registry: readonly RegistryRecord[];
  readonly deaths: readonly DeathRecord[];
  readonly payments: readonly PaymentRecord[];
  readonly officials: readonly OfficialRecord[];
  readonly payroll: readonly PayrollRecord[];
  readonly insurance: readonly InsuranceRecord[];
  readonly entities: readonly EntityRecord[];
  readonly properties: readonly PropertyRecord[];
  readonly vehicles: readonly VehicleRecord[];
  readonly poverty: readonly PovertyRecord[];
  readonly projects: readonly ProjectRecord[];
  readonly vouchers: readonly VoucherRecord[];
}

// Means-tested programs and exempt vehicles, written out here on purpose (not imported from the domain).
const MEANS_TESTED = new Set(['DIBAO_RURAL', 'DIBAO_URBAN', 'TEKUN', 'LINSHI', 'WEIFANG']);
const WORKING_VEHICLES = new Set(['摩托车', '三轮汽车', '低速货车', '拖拉机']);
const ACTIVE = new Set(['存续', '在业']);
const fen = (yuan: number): number => yuan * 100;
const CAPITAL_AT_LEAST = fen(100_000);
const BASE_AT_LEAST = fen(3_000);
const SPLIT_BELOW = fen(50_000);
const SPLIT_TOTAL = fen(50_000);
const SPLIT_WINDOW_DAYS = 60;
const YEARLY_HOSPITALITY_CAP = fen(5_000);
const VOUCHER_HOSPITALITY_CAP = fen(1_000);

const RANK: Readonly<Record<MatchQuality, number>> = { id: 0, repaired_id: 1, name_village: 2 };
function worst(matches: Iterable<MatchQuality>): MatchQuality {
  let out: MatchQuality = 'id';
  for (const m of matches) if (RANK[m] > RANK[out]) out = m;
  return out;
}

/** A row's person as read: the 18-digit ID and how it was found. */
interface Who {
  readonly id18: string;
  readonly match: MatchQuality;
}

function readWho(idText: string): Who | undefined {
  const read = readId(idText);
  if (read.status === 'lost') return undefined;
  return { id18: read.id18, match: read.status === 'repaired' ? 'repaired_id' : 'id' };
}

/** The registry as an inspector would index it. */
class RegistryIndex {
  readonly byId = new Map<string, { name: string; householdNo: string; township: string; village: string }>();
  readonly members = new Map<string, string[]>();
  private readonly byVillageName = new Map<string, string | null>();

  constructor(rows: readonly RegistryRecord[]) {
    for (const r of rows) {
      const who = readWho(r.idText);
      if (who === undefined) continue;
      this.byId.set(who.id18, {
        name: comparableName(r.nameText),
        householdNo: r.householdNo,
        township: r.village.township.name,
        village: r.village.name,
      });
      this.members.set(r.householdNo, [...(this.members.get(r.householdNo) ?? []), who.id18]);
      const key = `${r.village.code}|${comparableName(r.nameText)}`;
      this.byVillageName.set(key, this.byVillageName.has(key) ? null : who.id18);
    }
  }

  /** The one registry person of that name in that village, if exactly one. */
  byName(villageCode: string, nameText: string): string | undefined {
    return this.byVillageName.get(`${villageCode}|${comparableName(nameText)}`) ?? undefined;
  }

  /** Everyone in the person's registered household (the person included), or just the person. */
  household(id18: string): string[] {
    const no = this.byId.get(id18)?.householdNo;
    return no === undefined ? [id18] : (this.members.get(no) ?? [id18]);
  }
}

/** A payment and who it was paid to. */
interface Paid {
  readonly p: PaymentRecord;
  readonly who: Who;
}

function resolvePayments(registry: RegistryIndex, payments: readonly PaymentRecord[]): Paid[] {
  const out: Paid[] = [];
  for (const p of payments) {
    const direct = readWho(p.idText);
    if (direct) {
      out.push({ p, who: direct });
      continue;
    }
    const id18 = registry.byName(p.village.code, p.nameText);
    if (id18 !== undefined) out.push({ p, who: { id18, match: 'name_village' } });
  }
  return out;
}

function lead(
  rule: RuleCode,
  subjectKey: string,
  amount: number,
  matches: Iterable<MatchQuality>,
  place: { township: string; village: string },
  rows: number,
  note: string,
  fallback: boolean,
): ExpectedLead {
  const all = [...matches];
  return {
    rule,
    subjectKey,
    amount,
    match: worst(all),
    township: place.township,
    village: place.village,
    payments: rows,
    note,
    needsRepair: all.includes('repaired_id'),
    needsFallback: fallback || all.includes('name_village'),
  };
}

const sum = (values: Iterable<number>): number => {
  let s = 0;
  for (const v of values) s += v;
  return s;
};

function group<T>(items: Iterable<T>, key: (item: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Ground truth (leads and near misses) of R02–R12. */
export function societyTruth(records: CountyRecords): { leads: ExpectedLead[]; decoys: Decoy[] } {
  const registry = new RegistryIndex(records.registry);
  const paid = resolvePayments(registry, records.payments);
  const meansTested = paid.filter((x) => MEANS_TESTED.has(x.p.program));
  const leads: ExpectedLead[] = [];
  const decoys: Decoy[] = [];
  const placeOf = (id18: string, fallback: { township: string; village: string }) => {
    const r = registry.byId.get(id18);
    return r ? { township: r.township, village: r.village } : fallback;
  };
  const paymentPlace = (x: Paid) => ({ township: x.p.village.township.name, village: x.p.village.name });

  // R02 / R03: poverty households owning disqualifying property or vehicles.
  {
    const households = group(records.poverty, (r) => r.householdNo);
    const props = group(
      records.properties.map((r) => ({ r, who: readWho(r.ownerIdText) })),
      (x) => x.who?.id18,
    );
    const cars = group(
      records.vehicles.map((r) => ({ r, who: readWho(r.ownerIdText) })),
      (x) => x.who?.id18,
    );
    const mtByPerson = group(meansTested, (x) => x.who.id18);
    for (const [no, rows] of households) {
      const first = rows[0] as PovertyRecord;
      const exitEnd = first.exitYear === undefined ? undefined : `${first.exitYear}-12-31`;
      const members = rows.map((r) => readWho(r.idText)).filter((w): w is Who => w !== undefined);
      const amountRows = members.flatMap((m) => mtByPerson.get(m.id18) ?? []);
      const amount = sum(amountRows.map((x) => x.p.amountFen));
      // The lead rests on the whole household's rows and the payments it counts.
      const memberMatches = [...members.map((m) => m.match), ...amountRows.map((x) => x.who.match)];
      const place = { township: first.village.township.name, village: first.village.name };
      const inTime = (date: string) => exitEnd === undefined || date <= exitEnd;
      const ownedProps = members.flatMap((m) => (props.get(m.id18) ?? []).map((x) => ({ ...x, member: m })));
      const firingProps = ownedProps.filter(
        (x) => (x.r.housingType === '商品房' || x.r.usage === '商业') && inTime(x.r.registered),
      );
      if (firingProps.length > 0)
        leads.push(
          lead(
            'R02',
            subjectKeys.R02(no),
            amount,
            [...memberMatches, ...firingProps.map((x) => (x.who as Who).match)],
            place,
            firingProps.length,
            `poor household ${no} (exit ${first.exitYear ?? 'not yet'}) owns ${firingProps.map((x) => `${x.r.housingType}/${x.r.usage} ${x.r.registered}`).join(', ')}`,
            false,
          ),
        );
      else if (ownedProps.length > 0)
        decoys.push({
          rule: 'R02',
          subjectKey: subjectKeys.R02(no),
          why: `poor household owns only ${ownedProps.map((x) => `${x.r.housingType}/${x.r.usage} ${x.r.registered}`).join(', ')} (exit ${first.exitYear ?? 'not yet'})`,
        });
      const owned = members.flatMap((m) => (cars.get(m.id18) ?? []).map((x) => ({ ...x, member: m })));
      const firingCars = owned.filter(
        (x) => !WORKING_VEHICLES.has(x.r.vehicleClass) && inTime(x.r.registered),
      );
      if (firingCars.length > 0)
        leads.push(
          lead(
            'R03',
            subjectKeys.R03(no),
            amount,
            [...memberMatches, ...firingCars.map((x) => (x.who as Who).match)],
            place,
            firingCars.length,
            `poor household ${no} (exit ${first.exitYear ?? 'not yet'}) owns ${firingCars.map((x) => `${x.r.vehicleClass} ${x.r.registered}`).join(', ')}`,
            false,
          ),
        );
      else if (owned.length > 0)
        decoys.push({
          rule: 'R03',
          subjectKey: subjectKeys.R03(no),
          why: `poor household owns only ${owned.map((x) => `${x.r.vehicleClass} ${x.r.registered}`).join(', ')} (exit ${first.exitYear ?? 'not yet'})`,
        });
    }
  }

  // R04: means-tested payments to a household member of someone employed (officials) or paid (payroll) that month.
  {
    const posts = group(
      records.officials.map((r) => ({ r, who: readWho(r.idText) })),
      (x) => x.who?.id18,
    );
    const pay = group(
      records.payroll.map((r) => ({ r, who: readWho(r.idText) })),
      (x) => x.who?.id18,
    );
    const hits = new Map<string, { x: Paid; matches: MatchQuality[] }[]>();
    const near = new Set<string>();
    for (const x of meansTested) {
      const month = x.p.month;
      const matches: MatchQuality[] = [];
      let related = false;
      for (const member of registry.household(x.who.id18)) {
        for (const post of posts.get(member) ?? []) {
          related = true;
          if (post.r.start <= `${month}-31` && (post.r.end === undefined || post.r.end >= `${month}-01`))
            matches.push((post.who as Who).match);
        }
        for (const row of pay.get(member) ?? []) {
          related = true;
          if (row.r.month === month) matches.push((row.who as Who).match);
        }
      }
      const key = subjectKeys.R04(x.who.id18, x.p.program);
      if (matches.length > 0)
        hits.set(key, [...(hits.get(key) ?? []), { x, matches: [x.who.match, ...matches] }]);
      else if (related) near.add(key);
    }
    for (const [key, list] of hits) {
      const x0 = (list[0] as { x: Paid }).x;
      leads.push(
        lead(
          'R04',
          key,
          sum(list.map((h) => h.x.p.amountFen)),
          list.flatMap((h) => h.matches),
          placeOf(x0.who.id18, paymentPlace(x0)),
          list.length,
          `${x0.p.program} paid ${list.length}x while a household member held a public post or was on the payroll`,
          false,
        ),
      );
    }
    for (const key of near)
      if (!hits.has(key))
        decoys.push({
          rule: 'R04',
          subjectKey: key,
          why: 'household member is an official, but not employed or paid in any paid month',
        });
  }

  // R05: means-tested payees and poor-household members who run an active entity with enough capital.
  {
    const reps = new Map<string, MatchQuality>();
    const anyRep = new Set<string>();
    for (const e of records.entities) {
      const who = readWho(e.legalRepIdText);
      if (who === undefined) continue;
      anyRep.add(who.id18);
      if (ACTIVE.has(e.status) && e.capitalFen !== null && e.capitalFen >= CAPITAL_AT_LEAST)
        reps.set(who.id18, who.match);
    }
    const byKey = group(meansTested, (x) =>
      reps.has(x.who.id18) ? subjectKeys.R05(x.who.id18, x.p.program) : undefined,
    );
    for (const [key, list] of byKey) {
      const x0 = list[0] as Paid;
      leads.push(
        lead(
          'R05',
          key,
          sum(list.map((x) => x.p.amountFen)),
          [...list.map((x) => x.who.match), reps.get(x0.who.id18) as MatchQuality],
          placeOf(x0.who.id18, paymentPlace(x0)),
          list.length,
          `${x0.p.program} recipient is the legal rep of an active entity with capital ≥ 100,000`,
          false,
        ),
      );
    }
    for (const x of meansTested)
      if (anyRep.has(x.who.id18) && !reps.has(x.who.id18))
        decoys.push({
          rule: 'R05',
          subjectKey: subjectKeys.R05(x.who.id18, x.p.program),
          why: 'recipient runs an entity that is closed or under the capital threshold',
        });
    const mtByPerson = group(meansTested, (x) => x.who.id18);
    const seen = new Set<string>();
    for (const r of records.poverty) {
      const who = readWho(r.idText);
      if (who === undefined || seen.has(who.id18)) continue;
      seen.add(who.id18);
      const key = subjectKeys.R05(who.id18, 'POVERTY');
      if (reps.has(who.id18)) {
        const own = mtByPerson.get(who.id18) ?? [];
        leads.push(
          lead(
            'R05',
            key,
            sum(own.map((x) => x.p.amountFen)),
            [who.match, reps.get(who.id18) as MatchQuality],
            { township: r.village.township.name, village: r.village.name },
            own.length,
            `poor-household member ${r.householdNo} is the legal rep of an active entity with capital ≥ 100,000`,
            false,
          ),
        );
      } else if (anyRep.has(who.id18))
        decoys.push({
          rule: 'R05',
          subjectKey: key,
          why: 'poor-household member runs an entity that is closed or under the threshold',
        });
    }
  }
  for (const [key, list] of group(paid, (x) => subjectKeys.R06(x.who.id18, x.p.program, x.p.month))) {
    if (list.length < 2) continue;
    const amounts = list.map((x) => x.p.amountFen);
    const x0 = list[0] as Paid;
    leads.push(
      lead(
        'R06',
        key,
        sum(amounts) - Math.max(...amounts),
        list.map((x) => x.who.match),
        placeOf(x0.who.id18, paymentPlace(x0)),
        list.length,
        `${x0.p.program} ${x0.p.month} paid ${list.length}x (${[...new Set(list.map((x) => x.p.village.name))].join(', ')})`,
        false,
      ),
    );
  }
  for (const [key, list] of group(paid, (x) =>
    x.p.program === 'LINSHI' ? `${x.who.id18}|${x.p.program}` : undefined,
  ))
    if (list.length >= 2 && new Set(list.map((x) => x.p.month)).size === list.length)
      decoys.push({
        rule: 'R06',
        subjectKey: key,
        why: '临时救助 paid more than once, each in a different month',
      });

  // R07: means-tested payments in a month with a contribution base at or above the threshold.
  {
    const bases = new Map<string, { base: number; match: MatchQuality }>();
    const insured = new Set<string>();
    for (const r of records.insurance) {
      const who = readWho(r.idText);
      if (who === undefined) continue;
      insured.add(who.id18);
      const key = `${who.id18}|${r.month}`;
      const known = bases.get(key);
      if (known === undefined || r.baseFen > known.base)
        bases.set(key, { base: r.baseFen, match: who.match });
    }
    const hits = group(
      meansTested.filter((x) => (bases.get(`${x.who.id18}|${x.p.month}`)?.base ?? 0) >= BASE_AT_LEAST),
      (x) => subjectKeys.R07(x.who.id18, x.p.program),
    );
    for (const [key, list] of hits) {
      const x0 = list[0] as Paid;
      leads.push(
        lead(
          'R07',
          key,
          sum(list.map((x) => x.p.amountFen)),
          list.flatMap((x) => [
            x.who.match,
            (bases.get(`${x.who.id18}|${x.p.month}`) as { match: MatchQuality }).match,
          ]),
          placeOf(x0.who.id18, paymentPlace(x0)),
          list.length,
          `${x0.p.program} paid in ${list.length} month(s) with a contribution base ≥ 3,000`,
          false,
        ),
      );
    }
    const near = new Set<string>();
    for (const x of meansTested) {
      const key = subjectKeys.R07(x.who.id18, x.p.program);
      if (insured.has(x.who.id18) && !hits.has(key) && !near.has(key)) {
        near.add(key);
        decoys.push({
          rule: 'R07',
          subjectKey: key,
          why: 'recipient pays social insurance, but below 3,000 or not in a paid month',
        });
      }
    }
  }

  // R08: a readable ID not in the registry (nor among the dead), or paid under another name.
  {
    const dead = new Set(
      records.deaths.map((d) => readWho(d.idText)?.id18).filter((id): id is string => id !== undefined),
    );
    const hits = new Map<string, { x: Paid; why: string }[]>();
    const near = new Set<string>();
    for (const x of paid) {
      if (x.who.match === 'name_village') continue;
      const registered = registry.byId.get(x.who.id18);
      const key = subjectKeys.R08(x.who.id18, x.p.program);
      let why: string | undefined;
      if (registered === undefined)
        why = dead.has(x.who.id18) ? undefined : 'ID not in the household registry';
      else if (registered.name !== comparableName(x.p.nameText)) why = 'name differs from the registry';
      else if (x.p.nameText !== registered.name) near.add(key);
      if (why) hits.set(key, [...(hits.get(key) ?? []), { x, why }]);
    }
    for (const [key, list] of hits) {
      const x0 = (list[0] as { x: Paid }).x;
      leads.push(
        lead(
          'R08',
          key,
          sum(list.map((h) => h.x.p.amountFen)),
          list.map((h) => h.x.who.match),
          paymentPlace(x0),
          list.length,
          `${x0.p.program} paid ${list.length}x: ${(list[0] as { why: string }).why}`,
          false,
        ),
      );
    }
    for (const key of near)
      if (!hits.has(key))
        decoys.push({
          rule: 'R08',
          subjectKey: key,
          why: 'name written with blanks or traditional characters, same person',
        });
  }

  // R09: village expenses to a village cadre of that village or a member of a cadre's household.
  {
    const kin = new Map<string, Map<string, MatchQuality>>();
    for (const o of records.officials) {
      if (o.category !== '村干部' || o.village === undefined) continue;
      const who = readWho(o.idText);
      if (who === undefined) continue;
      const set = kin.get(o.village.code) ?? new Map<string, MatchQuality>();
      for (const m of registry.household(who.id18)) set.set(m, who.match);
      kin.set(o.village.code, set);
    }
    const anyKin = new Set([...kin.values()].flatMap((m) => [...m.keys()]));
    const kinNames = new Set(
      [...anyKin].map((id) => registry.byId.get(id)?.name).filter((n): n is string => n !== undefined),
    );
    const hits = new Map<string, { v: VoucherRecord; match: MatchQuality }[]>();
    const near = new Set<string>();
    for (const v of records.vouchers) {
      const byId = v.counterpartyIdText === '' ? undefined : readWho(v.counterpartyIdText);
      // Without an ID on the voucher the payee is the one villager of that name: a name + village match.
      const payee = byId?.id18 ?? registry.byName(v.village.code, v.counterparty);
      if (payee === undefined) continue;
      const key = subjectKeys.R09(v.village.township.name, v.village.name, payee);
      const cadreMatch = kin.get(v.village.code)?.get(payee);
      if (v.direction === '支出' && cadreMatch !== undefined)
        hits.set(key, [
          ...(hits.get(key) ?? []),
          { v, match: worst([cadreMatch, byId?.match ?? 'name_village']) },
        ]);
      else if (anyKin.has(payee) || kinNames.has(comparableName(v.counterparty))) near.add(key);
    }
    for (const [key, list] of hits) {
      const v0 = (list[0] as { v: VoucherRecord }).v;
      leads.push(
        lead(
          'R09',
          key,
          sum(list.map((h) => h.v.amountFen)),
          list.map((h) => h.match),
          { township: v0.village.township.name, village: v0.village.name },
          list.length,
          `${list.length} expense(s) (${[...new Set(list.map((h) => h.v.category))].join(', ')}) to a cadre of ${v0.village.name} or a member of a cadre's household`,
          false,
        ),
      );
    }
    for (const key of near)
      if (!hits.has(key))
        decoys.push({
          rule: 'R09',
          subjectKey: key,
          why: 'receipt from a cadre, a cadre of another village, or a namesake of a cadre relative',
        });
  }

  // R10: split 工程款: clusters of ≥ 2 expenses below 50,000 within 60 days totalling ≥ 50,000.
  {
    const payeeOf = (v: VoucherRecord): string => {
      const who = v.counterpartyIdText === '' ? undefined : readWho(v.counterpartyIdText);
      return who?.id18 ?? comparableName(v.counterparty);
    };
    const works = records.vouchers.filter((v) => v.direction === '支出' && v.category === '工程款');
    for (const [key, list] of group(works, (v) =>
      subjectKeys.R10(v.village.township.name, v.village.name, payeeOf(v)),
    )) {
      const small = list
        .filter((v) => v.amountFen < SPLIT_BELOW)
        .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
      const members = new Set<VoucherRecord>();
      for (const start of small) {
        const window = small.filter(
          (v) =>
            epochDay(v.date) >= epochDay(start.date) &&
            epochDay(v.date) - epochDay(start.date) <= SPLIT_WINDOW_DAYS,
        );
        if (window.length >= 2 && sum(window.map((v) => v.amountFen)) >= SPLIT_TOTAL)
          for (const v of window) members.add(v);
      }
      const v0 = list[0] as VoucherRecord;
      if (members.size > 0)
        leads.push(
          lead(
            'R10',
            key,
            sum([...members].map((v) => v.amountFen)),
            ['id'],
            { township: v0.village.township.name, village: v0.village.name },
            members.size,
            `${members.size} 工程款 payments to ${v0.counterparty} in split clusters`,
            false,
          ),
        );
      else if (list.length >= 2)
        decoys.push({
          rule: 'R10',
          subjectKey: key,
          why: `${list.length} 工程款 payments to ${v0.counterparty}, but none forms a cluster (too far apart, too small, or not each below 50,000)`,
        });
    }
  }

  // R11: hospitality above the yearly cap or one voucher above the voucher cap.
  {
    const meals = records.vouchers.filter((v) => v.direction === '支出' && v.category === '招待费');
    for (const [key, list] of group(meals, (v) =>
      subjectKeys.R11(v.village.township.name, v.village.name, v.date.slice(0, 4)),
    )) {
      const total = sum(list.map((v) => v.amountFen));
      const max = Math.max(...list.map((v) => v.amountFen));
      const v0 = list[0] as VoucherRecord;
      const place = { township: v0.village.township.name, village: v0.village.name };
      if (total > YEARLY_HOSPITALITY_CAP || max > VOUCHER_HOSPITALITY_CAP)
        leads.push(
          lead(
            'R11',
            key,
            total,
            ['id'],
            place,
            list.length,
            `${v0.village.name} ${v0.date.slice(0, 4)}: 招待费 ${total / 100} 元 in ${list.length} vouchers, largest ${max / 100} 元`,
            false,
          ),
        );
      else if (total >= fen(4_000) || max >= fen(900))
        decoys.push({
          rule: 'R11',
          subjectKey: key,
          why: `招待费 ${total / 100} 元, largest ${max / 100} 元: at or under both caps`,
        });
    }
  }

  // R12: a project's contractor (or the contracting entity's legal rep) is a household member of an official of that township.
  {
    const repOf = new Map<string, Who>();
    for (const e of records.entities) {
      const who = readWho(e.legalRepIdText);
      if (who) repOf.set(e.creditCode, who);
    }
    const kin = new Map<string, Map<string, MatchQuality>>();
    const anyKin = new Set<string>();
    for (const o of records.officials) {
      const who = readWho(o.idText);
      if (who === undefined) continue;
      for (const m of registry.household(who.id18)) anyKin.add(m);
      if (o.township === '') continue;
      const set = kin.get(o.township) ?? new Map<string, MatchQuality>();
      for (const m of registry.household(who.id18)) set.set(m, who.match);
      kin.set(o.township, set);
    }
    for (const pj of records.projects) {
      const contractor = readWho(pj.contractorCode) ?? repOf.get(pj.contractorCode);
      if (contractor === undefined) continue;
      const key = subjectKeys.R12(pj.code);
      const official = kin.get(pj.township)?.get(contractor.id18);
      const place = { township: pj.township, village: pj.village?.name ?? '' };
      if (official !== undefined)
        leads.push(
          lead(
            'R12',
            key,
            pj.budgetFen,
            [contractor.match, official],
            place,
            1,
            `project ${pj.code} (${pj.township}) built by ${pj.contractorName}, related to an official of the township`,
            false,
          ),
        );
      else if (anyKin.has(contractor.id18))
        decoys.push({
          rule: 'R12',
          subjectKey: key,
          why: 'contractor is related to an official of another township or of the county',
        });
    }
  }

  const order = (a: { rule: string; subjectKey: string }, b: { rule: string; subjectKey: string }) =>
    a.rule !== b.rule
      ? a.rule < b.rule
        ? -1
        : 1
      : a.subjectKey < b.subjectKey
        ? -1
        : a.subjectKey > b.subjectKey
          ? 1
          : 0;
  return { leads: leads.sort(order), decoys: dedupe(decoys).sort(order) };
}

function dedupe(decoys: Decoy[]): Decoy[] {
  const seen = new Set<string>();
  return decoys.filter((d) => {
    const key = `${d.rule}|${d.subjectKey}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
