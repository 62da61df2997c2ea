import { addMonths, ageAt, dateIn, daysInMonth, epochDay } from '../calendar.js';
import { dibaoStandard, fitIdForm } from '../enrollments.js';
import { FirstFit } from '../first-fit.js';
import { allVillages, type Village } from '../geography.js';
import { type IdForm, makeId } from '../ids.js';
import { drawGivenName, drawSurname } from '../names.js';
import type { Household, Person } from '../population.js';
import {
  dateInYear,
  livesThrough,
  meansTestedHouseholds,
  newBuilder,
  newEntity,
  newProject,
  periodYears,
  type SocietyContext,
  stem,
} from '../society/background.js';
import type { Official, Society, Voucher } from '../society/types.js';
import type { DemoProgram, Enrollment } from '../world.js';

/** What a plant meant, for the truth file's notes (the truth itself is recomputed from the rows). */
export interface PlantNote {
  readonly rule: string;
  readonly kind: 'positive' | 'decoy';
  readonly what: string;
}

interface Planting {
  readonly ctx: SocietyContext;
  readonly society: Society;
  readonly enrollments: Enrollment[];
  /** Households already used by a plant or holding a background role: each plant gets its own. */
  readonly usedHouseholds: Set<Household>;
  readonly notes: PlantNote[];
  readonly usedIds: Set<string>;
  /** Every household, shuffled once: plants take the first that fits. */
  readonly order: readonly Household[];
  /** {@link takeHousehold}'s scan of `order` for each `accept` it was given. */
  readonly scans: Map<(h: Household) => boolean, FirstFit<Household>>;
  readonly names: NameBook;
}

/** Which names the county's persons bear, in each village and county-wide, kept current by {@link NameBook.rename}. */
class NameBook {
  private readonly inVillage = new Map<Village, Map<string, number>>();
  private readonly inCounty = new Map<string, number>();

  constructor(persons: readonly Person[]) {
    for (const x of persons) this.count(x.household.village, x.name, 1);
  }

  /** Whether someone of the county (in `village`, when given) bears the name. */
  has(name: string, village?: Village): boolean {
    const counts = village === undefined ? this.inCounty : this.inVillage.get(village);
    return (counts?.get(name) ?? 0) > 0;
  }

  /** Rename a person (names are written from the Person, so every file agrees). */
  rename(person: Person, name: string): void {
    this.count(person.household.village, person.name, -1);
    (person as { name: string }).name = name;
    this.count(person.household.village, name, 1);
  }

  private count(village: Village, name: string, by: number): void {
    const counts = this.inVillage.get(village) ?? new Map<string, number>();
    this.inVillage.set(village, counts);
    counts.set(name, (counts.get(name) ?? 0) + by);
    this.inCounty.set(name, (this.inCounty.get(name) ?? 0) + by);
  }
}

const year0 = (p: Planting): number => Number(p.ctx.startDate.slice(0, 4));
const ageOf = (p: Planting, person: Person): number => ageAt(person.birth, p.ctx.startDate);

/**
 * The first household nobody has touched yet (everyone alive throughout, no role, no plant)
 * that `accept`s. `accept` must judge the household only (its village, members, ages …), never
 * what plants did since: a household it rejected, or that was touched, is not read again by
 * later takes with the same `accept` (so pass the same function, not a fresh closure, to
 * repeated takes) — re-reading the county's used-up front made the plants quadratic.
 */
function takeHousehold(p: Planting, accept: (h: Household) => boolean): Household | undefined {
  let scan = p.scans.get(accept);
  if (scan === undefined) {
    scan = new FirstFit(
      p.order,
      (x) =>
        p.usedHouseholds.has(x) ||
        x.members.length === 0 ||
        !x.members.every((m) => livesThrough(m) && !p.ctx.taken.has(m)) ||
        !accept(x),
    );
    p.scans.set(accept, scan);
  }
  const h = scan.first(() => true);
  if (h) {
    p.usedHouseholds.add(h);
    for (const m of h.members) p.ctx.taken.add(m);
  }
  return h;
}

function dibao(p: Planting, person: Person, idForm: IdForm = 'valid', months = p.ctx.months): Enrollment {
  const members = Math.min(4, person.household.members.length);
  const e: Enrollment = {
    person,
    program: 'DIBAO_RURAL',
    schedule: new Map(months.map((m) => [m, Math.round((members * dibaoStandard(m) * 80) / 100)])),
    idForm: fitIdForm(idForm, person),
    scenario: 'alive',
    detail: String(members),
  };
  p.enrollments.push(e);
  return e;
}

function oneOff(p: Planting, person: Person, program: DemoProgram, month: string, fen: number): Enrollment {
  const e: Enrollment = {
    person,
    program,
    schedule: new Map([[month, fen]]),
    idForm: 'valid',
    scenario: 'alive',
    detail: program === 'LINSHI' ? '因病' : '',
  };
  p.enrollments.push(e);
  return e;
}

const isRural = (h: Household): boolean => h.village.type === 'village';
const adults =
  (h: Household, min = 20, max = 60) =>
  (p: Planting) =>
    h.members.filter((m) => ageOf(p, m) >= min && ageOf(p, m) <= max);

function official(p: Planting, o: Official): Official {
  p.society.officials.push(o);
  return o;
}

/** Put a person on the payroll (and social insurance) for the given months. */
function payroll(p: Planting, person: Person, employer: string, months: readonly string[]): void {
  if (months.length === 0) return;
  const fen = p.ctx.rng.int(4_800_00, 8_800_00);
  p.society.payroll.push({ person, employer, monthlyFen: fen, months });
  p.society.insurance.push({ person, employer, bases: new Map(months.map((m) => [m, fen])) });
}

function newPoor(p: Planting, h: Household, exitYear: number | undefined): void {
  p.society.poverty.push({
    household: h,
    status: exitYear === undefined ? '未脱贫' : '已脱贫',
    identifiedYear: Math.min(2016, (exitYear ?? 2019) - 1),
    ...(exitYear !== undefined ? { exitYear } : {}),
  });
}

/** A fresh, valid ID of nobody in the county (for 虚报冒领 ghosts). */
function ghostId(p: Planting, birth: string, male: boolean): string {
  for (;;) {
    const seq =
      p.ctx.rng.int(0, 99) * 10 + (male ? p.ctx.rng.pick([1, 3, 5, 7, 9]) : p.ctx.rng.pick([0, 2, 4, 6, 8]));
    const id = makeId(p.ctx.county.areaCode, birth, seq);
    if (!p.usedIds.has(id) && !id.endsWith('000')) {
      p.usedIds.add(id);
      return id;
    }
  }
}

/** A person who exists only on a roster: not in the registry, not dead, not anywhere else. */
function ghost(p: Planting, village: Village, index: number): Person {
  const { rng } = p.ctx;
  const birth = `19${rng.int(45, 75)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
  const male = rng.chance(0.6);
  let name = '';
  while (name === '' || p.names.has(name, village))
    name = drawSurname(rng) + drawGivenName(rng, male ? 'M' : 'F', Number(birth.slice(0, 4)));
  const household: Household = {
    no: '',
    village,
    address: `${p.ctx.county.name}${village.township.name}${village.name}`,
    template: 'single',
    landTenthsMu: 0,
    members: [],
  };
  const person: Person = {
    index: 1_000_000 + index,
    id18: ghostId(p, birth, male),
    name,
    gender: male ? 'M' : 'F',
    birth,
    ethnicity: '汉族',
    household,
    relation: '户主',
  };
  household.members.push(person);
  return person;
}

function monthDate(month: string, day: number): string {
  return dateIn(month, Math.min(day, daysInMonth(month)));
}

/**
 * Plant positives and near-miss decoys of R02–R12 (CONTRACT.md §5). Every plant takes a
 * household nobody else uses, so one plant's rows don't change another's outcome; the
 * ground truth is recomputed from the written rows anyway.
 */
export function plantSociety(ctx: SocietyContext, society: Society, enrollments: Enrollment[]): PlantNote[] {
  const usedIds = new Set(ctx.population.persons.map((x) => x.id18));
  // Households already on a means-tested roster stay as they are: a second 低保 would be a duplicate.
  const usedHouseholds = new Set<Household>([
    ...meansTestedHouseholds(enrollments),
    ...society.poverty.map((x) => x.household),
    ...society.officials.map((x) => x.person.household),
    ...society.entities.map((x) => x.legalRep.household),
  ]);
  const order = ctx.rng.shuffle(ctx.population.households);
  const p: Planting = {
    ctx,
    society,
    enrollments,
    usedHouseholds,
    notes: [],
    usedIds,
    order,
    scans: new Map(),
    names: new NameBook(ctx.population.persons),
  };
  const count = (base: number, min: number): number => Math.max(min, Math.round(base * ctx.scale));
  plantPoorWithAssets(p, count(4, 4), count(3, 2));
  plantOfficialRecipients(p, count(6, 6));
  plantBusinessOwners(p, count(4, 3));
  plantDuplicates(p, count(4, 3));
  plantEmployed(p, count(4, 3));
  plantUnregistered(p, count(5, 4));
  plantContractors(p, count(3, 3));
  plantVillageBooks(p);
  return p.notes;
}

function note(p: Planting, rule: string, kind: PlantNote['kind'], what: string): void {
  p.notes.push({ rule, kind, what });
}

// R02 / R03 -------------------------------------------------------------------------------------

function plantPoorWithAssets(p: Planting, positives: number, decoys: number): void {
  const { rng } = p.ctx;
  const y = year0(p);
  const fits = (h: Household) => isRural(h) && h.members.length >= 2 && adults(h, 20, 70)(p).length > 0;
  const household = (): Household | undefined => takeHousehold(p, fits);
  const buy = (h: Household, date: string, usage: '住宅' | '商业', housingType: '商品房' | '自建房') =>
    p.society.properties.push({
      owner: rng.pick(adults(h, 20, 70)(p)),
      address: `${p.ctx.county.name}青山镇${rng.pick(['滨江花园', '阳光新城'])}${rng.int(1, 20)}栋${rng.int(1, 30)}0${rng.int(1, 4)}室`,
      usage,
      housingType,
      areaSqm: rng.int(70, 140),
      registered: date,
    });
  const drive = (h: Household, date: string, vehicleClass: string) =>
    p.society.vehicles.push({
      owner: rng.pick(adults(h, 20, 70)(p)),
      plate: `湘H${rng.int(10_000, 99_999)}`,
      vehicleClass,
      registered: date,
      status: '正常',
    });
  for (let i = 0; i < positives; i++) {
    for (const rule of ['R02', 'R03'] as const) {
      const h = household();
      if (!h) return;
      const variant = i % 4;
      const exit = variant === 1 ? undefined : 2017 + (i % 4);
      newPoor(p, h, exit);
      if (variant !== 3) dibao(p, h.members[0] as Person, i % 5 === 2 ? 'legacy15' : 'valid');
      const before =
        exit === undefined
          ? `${y - 1}-0${rng.int(1, 9)}-1${rng.int(0, 9)}`
          : variant === 2
            ? `${exit}-12-31`
            : `${exit - 1}-0${rng.int(1, 9)}-${rng.int(10, 28)}`;
      if (rule === 'R02') {
        buy(h, before, variant === 2 ? '商业' : '住宅', variant === 2 ? '自建房' : '商品房');
        note(
          p,
          rule,
          'positive',
          `poor household ${h.no}: ${variant === 2 ? 'shop (商业)' : '商品房'} registered ${before}, exit ${exit ?? 'not yet'}`,
        );
      } else {
        drive(h, before, rng.pick(['小型轿车', '小型普通客车', '重型货车']));
        note(
          p,
          rule,
          'positive',
          `poor household ${h.no}: private vehicle registered ${before}, exit ${exit ?? 'not yet'}`,
        );
      }
    }
  }
  for (let i = 0; i < decoys; i++) {
    const exit = 2018 + (i % 3);
    // R02 decoys: 宅基地 / 自建房 homes, or a 商品房 bought after the exit year ended.
    const a = household();
    if (!a) return;
    newPoor(p, a, exit);
    dibao(p, a.members[0] as Person);
    if (i % 2 === 0) {
      buy(a, `${exit + 1}-01-01`, '住宅', '商品房');
      note(
        p,
        'R02',
        'decoy',
        `poor household ${a.no}: 商品房 registered ${exit + 1}-01-01, the day after exit year ${exit} ended`,
      );
    } else {
      p.society.properties.push({
        owner: a.members[0] as Person,
        address: a.address,
        usage: '宅基地',
        housingType: '宅基地',
        areaSqm: 160,
        registered: `${exit - 2}-05-01`,
      });
      p.society.properties.push({
        owner: a.members[0] as Person,
        address: a.address,
        usage: '住宅',
        housingType: '自建房',
        areaSqm: 210,
        registered: `${exit - 1}-05-01`,
      });
      note(p, 'R02', 'decoy', `poor household ${a.no}: only 宅基地 and a self-built house`);
    }
    // R03 decoys: working vehicles any time, or a car bought after the exit year.
    const b = household();
    if (!b) return;
    newPoor(p, b, exit);
    if (i % 2 === 0) {
      drive(b, `${exit + 1 + (i % 2)}-03-0${1 + (i % 8)}`, '小型轿车');
      note(p, 'R03', 'decoy', `poor household ${b.no}: car registered after exit year ${exit}`);
    } else {
      for (const cls of ['摩托车', '三轮汽车', '低速货车', '拖拉机']) drive(b, `${exit - 1}-06-15`, cls);
      note(p, 'R03', 'decoy', `poor household ${b.no}: motorcycle, tricycle, low-speed truck and tractor`);
    }
  }
}

// R04 -------------------------------------------------------------------------------------------

function plantOfficialRecipients(p: Planting, positives: number): void {
  const { rng, months } = p.ctx;
  const first = months[0] as string;
  const withAdultNonHead = (h: Household) =>
    isRural(h) && h.members.slice(1).some((m) => ageOf(p, m) >= 24 && ageOf(p, m) <= 58);
  const withAdultHead = (x: Household) =>
    isRural(x) && ageOf(p, x.members[0] as Person) <= 58 && ageOf(p, x.members[0] as Person) >= 24;
  const townshipOf = (h: Household) => h.village.township;
  for (let i = 0; i < positives; i++) {
    const variant = i % 6;
    const h = takeHousehold(p, variant === 5 ? withAdultHead : withAdultNonHead);
    if (!h) return;
    const head = h.members[0] as Person;
    const member =
      variant === 5
        ? head
        : (h.members.slice(1).find((m) => ageOf(p, m) >= 24 && ageOf(p, m) <= 58) as Person);
    const t = townshipOf(h);
    const employer = `${t.name}人民政府`;
    const k = Math.floor(months.length / 2);
    switch (variant) {
      case 0: // a civil servant whose household head is on 低保
      case 5: // the official himself on 低保
        official(p, {
          person: member,
          employer,
          position: '科员',
          category: '公务员',
          township: t,
          start: '2012-09-01',
        });
        payroll(p, member, employer, months);
        // Every other one on a roster whose ID a spreadsheet destroyed: found by name + village.
        dibao(p, head, i % 12 === 0 ? 'zeros' : i % 12 === 5 ? 'sci' : 'valid');
        note(
          p,
          'R04',
          'positive',
          `household ${h.no}: ${variant === 5 ? 'the official himself' : 'a civil servant'} and 低保 all period`,
        );
        break;
      case 1: // paid by the finance bureau only (a teacher), household on 低保
        payroll(p, member, `${t.name}中心学校`, months);
        dibao(p, head);
        note(p, 'R04', 'positive', `household ${h.no}: a teacher on the payroll, 低保 all period`);
        break;
      case 2: {
        // took office mid-period: only the months from the start month fire
        const start = monthDate(months[k] as string, 10);
        official(p, { person: member, employer, position: '办事员', category: '参公', township: t, start });
        payroll(p, member, employer, months.slice(k));
        dibao(p, head);
        note(
          p,
          'R04',
          'positive',
          `household ${h.no}: official from ${start}; 低保 before that month must not count`,
        );
        break;
      }
      case 3: {
        // left mid-period: the months up to the end month fire
        const end = monthDate(months[Math.max(0, k - 1)] as string, 15);
        official(p, {
          person: member,
          employer,
          position: '科员',
          category: '公务员',
          township: t,
          start: '2009-03-01',
          end,
        });
        payroll(p, member, employer, months.slice(0, Math.max(1, k)));
        dibao(p, head);
        note(
          p,
          'R04',
          'positive',
          `household ${h.no}: official until ${end}; 低保 after that month must not count`,
        );
        break;
      }
      case 4: {
        // a village cadre whose household gets one 临时救助 payment
        official(p, {
          person: member,
          employer: `${h.village.township.name}${h.village.name}村民委员会`,
          position: '村委会委员',
          category: '村干部',
          township: t,
          village: h.village,
          start: '2021-03-01',
        });
        oneOff(p, head, 'LINSHI', rng.pick(months), rng.int(5, 30) * 10_000);
        note(p, 'R04', 'positive', `household ${h.no}: a village cadre, one 临时救助 payment`);
        break;
      }
    }
  }
  // Decoys: left before the period; same name as a recipient's family member elsewhere; non-means-tested aid.
  const left = takeHousehold(p, withAdultNonHead);
  if (left) {
    const member = left.members.slice(1).find((m) => ageOf(p, m) >= 24 && ageOf(p, m) <= 58) as Person;
    const end = `${addMonths(first, -2)}-20`;
    official(p, {
      person: member,
      employer: `${left.village.township.name}人民政府`,
      position: '科员',
      category: '公务员',
      township: left.village.township,
      start: '2010-07-01',
      end,
    });
    dibao(p, left.members[0] as Person);
    note(
      p,
      'R04',
      'decoy',
      `household ${left.no}: the official left on ${end}, before the period; 低保 all period`,
    );
  }
  const recipientHome = takeHousehold(p, withAdultNonHead);
  if (recipientHome) {
    dibao(p, recipientHome.members[0] as Person);
    const relative = recipientHome.members.slice(1).find((m) => ageOf(p, m) >= 24) as Person;
    const elsewhere = takeHousehold(
      p,
      (h) =>
        h.village !== recipientHome.village &&
        h.members.some((m) => ageOf(p, m) >= 24 && ageOf(p, m) <= 58) &&
        !h.members.some((m) => m.name === relative.name) &&
        !p.names.has(relative.name, h.village),
    );
    if (elsewhere) {
      const o = elsewhere.members.find((m) => ageOf(p, m) >= 24 && ageOf(p, m) <= 58) as Person;
      p.names.rename(o, relative.name);
      official(p, {
        person: o,
        employer: '青山县财政局',
        position: '科员',
        category: '公务员',
        start: '2015-08-01',
      });
      payroll(p, o, '青山县财政局', months);
      note(
        p,
        'R04',
        'decoy',
        `official in household ${elsewhere.no} has the same name as a member of 低保 household ${recipientHome.no}`,
      );
    }
  }
  const disabled = takeHousehold(
    p,
    (h) => h.members.some((m) => m.disability !== undefined) && withAdultNonHead(h),
  );
  if (disabled) {
    const member = disabled.members.slice(1).find((m) => ageOf(p, m) >= 24 && ageOf(p, m) <= 58) as Person;
    official(p, {
      person: member,
      employer: '青山县人民医院',
      position: '医师',
      category: '事业编',
      start: '2011-08-01',
    });
    payroll(p, member, '青山县人民医院', months);
    note(
      p,
      'R04',
      'decoy',
      `household ${disabled.no}: an official; the household only gets 残疾人两项补贴 (not means-tested)`,
    );
  }
}

// R05 -------------------------------------------------------------------------------------------

function plantBusinessOwners(p: Planting, positives: number): void {
  const { rng, months } = p.ctx;
  const rep = (h: Household) => adults(h, 23, 65)(p)[0];
  const withRep = (h: Household) => isRural(h) && rep(h) !== undefined && rep(h) === h.members[0];
  for (let i = 0; i < positives; i++) {
    const variant = i % 3;
    const h = takeHousehold(p, withRep);
    if (!h) return;
    const head = h.members[0] as Person;
    if (variant === 0) {
      dibao(p, head, i % 6 === 0 ? 'zeros' : 'valid');
      p.society.entities.push(
        newEntity(p.ctx, head, { type: '有限责任公司', capitalFen: 50 * 10_000_00, status: '存续' }),
      );
      note(p, 'R05', 'positive', `household ${h.no}: 低保 head runs a company with 50万 capital`);
    } else if (variant === 1) {
      oneOff(p, head, 'LINSHI', rng.pick(months), rng.int(10, 30) * 10_000);
      p.society.entities.push(
        newEntity(p.ctx, head, { type: '个体工商户', capitalFen: 10 * 10_000_00, status: '在业' }),
      );
      note(
        p,
        'R05',
        'positive',
        `household ${h.no}: 临时救助 recipient runs a shop with exactly 10万 capital`,
      );
    } else {
      newPoor(p, h, 2019);
      p.society.entities.push(
        newEntity(p.ctx, head, { type: '农民专业合作社', capitalFen: 200 * 10_000_00, status: '存续' }),
      );
      note(p, 'R05', 'positive', `poor household ${h.no}: member runs a cooperative with 200万 capital`);
    }
  }
  const decoys: [string, Partial<Parameters<typeof newEntity>[2]>][] = [
    ['capital 99,999 元, just under the threshold', { capitalFen: 9_999_900, status: '存续' }],
    ['company deregistered (注销)', { capitalFen: 100 * 10_000_00, status: '注销' }],
    ['licence revoked (吊销)', { capitalFen: 80 * 10_000_00, status: '吊销' }],
    ['shop without registered capital', { capitalFen: null, status: '在业', type: '个体工商户' }],
  ];
  for (const [why, options] of decoys) {
    const h = takeHousehold(p, withRep);
    if (!h) return;
    dibao(p, h.members[0] as Person);
    p.society.entities.push(
      newEntity(p.ctx, h.members[0] as Person, {
        type: '有限责任公司',
        capitalFen: null,
        status: '存续',
        ...options,
      }),
    );
    note(p, 'R05', 'decoy', `household ${h.no}: 低保 head, ${why}`);
  }
  const canji = takeHousehold(p, (h) =>
    h.members.some((m) => m.disability !== undefined && ageOf(p, m) >= 23 && ageOf(p, m) <= 65),
  );
  if (canji) {
    const owner = canji.members.find((m) => m.disability !== undefined && ageOf(p, m) >= 23) as Person;
    p.society.entities.push(
      newEntity(p.ctx, owner, { type: '有限责任公司', capitalFen: 60 * 10_000_00, status: '存续' }),
    );
    note(
      p,
      'R05',
      'decoy',
      `household ${canji.no}: business owner only gets 残疾人两项补贴 (not means-tested)`,
    );
  }
}

// R06 -------------------------------------------------------------------------------------------

function plantDuplicates(p: Planting, positives: number): void {
  const { rng, months, county } = p.ctx;
  const villages = allVillages(county).filter((v) => v.type === 'village');
  const gaoling = new Set(p.enrollments.filter((e) => e.program === 'GAOLING').map((e) => e.person));
  const withElder = (x: Household) => isRural(x) && x.members.some((m) => ageOf(p, m) >= 80);
  for (let i = 0; i < positives; i++) {
    const variant = i % 3;
    const h = takeHousehold(p, variant === 2 ? withElder : isRural);
    if (!h) continue;
    const head = h.members[0] as Person;
    const other = rng.pick(villages.filter((v) => v !== h.village));
    if (variant === 0) {
      // 低保 kept on the old village's roster for a few months after the household moved.
      dibao(p, head);
      const span = months.slice(0, Math.min(months.length, rng.int(1, 3)));
      const dup = dibao(p, head, 'valid', span);
      dup.paidIn = other;
      note(
        p,
        'R06',
        'positive',
        `household ${h.no}: 低保 paid twice (also by ${other.name}) for ${span.join(', ')}`,
      );
    } else if (variant === 1) {
      const month = rng.pick(months);
      oneOff(p, head, 'LINSHI', month, 200_000);
      oneOff(p, head, 'LINSHI', month, 80_000).paidIn = other;
      note(p, 'R06', 'positive', `household ${h.no}: 临时救助 paid twice in ${month} (2,000 and 800 元)`);
    } else {
      const elder = h.members.find((m) => ageOf(p, m) >= 80) as Person;
      const month = rng.pick(months);
      const fen = ageOf(p, elder) >= 90 ? 20_000 : 5_000;
      if (!gaoling.has(elder))
        p.enrollments.push({
          person: elder,
          program: 'GAOLING',
          schedule: new Map(months.map((m) => [m, fen])),
          idForm: 'valid',
          scenario: 'alive',
          detail: String(ageOf(p, elder)),
        });
      const dup: Enrollment = {
        person: elder,
        program: 'GAOLING',
        schedule: new Map([[month, fen]]),
        idForm: 'valid',
        scenario: 'alive',
        detail: String(ageOf(p, elder)),
        paidIn: other,
      };
      p.enrollments.push(dup);
      gaoling.add(elder);
      note(p, 'R06', 'positive', `household ${h.no}: 高龄津贴 paid twice for ${month}`);
    }
  }
  // Decoy: 临时救助 twice, in different months.
  const h = takeHousehold(p, isRural);
  if (h && months.length >= 2) {
    oneOff(p, h.members[0] as Person, 'LINSHI', months[0] as string, 100_000);
    oneOff(p, h.members[0] as Person, 'LINSHI', months[months.length - 1] as string, 100_000);
    note(p, 'R06', 'decoy', `household ${h.no}: 临时救助 twice, in different months`);
  }
}

// R07 -------------------------------------------------------------------------------------------

function plantEmployed(p: Planting, positives: number): void {
  const { rng, months } = p.ctx;
  const worker = (h: Household) =>
    isRural(h) && ageOf(p, h.members[0] as Person) >= 20 && ageOf(p, h.members[0] as Person) <= 58;
  const insure = (person: Person, from: number, to: number, base: number) =>
    p.society.insurance.push({
      person,
      employer: '青山县鑫源食品有限公司',
      bases: new Map(months.slice(from, to).map((m) => [m, base])),
    });
  for (let i = 0; i < positives; i++) {
    const h = takeHousehold(p, worker);
    if (!h) return;
    const head = h.members[0] as Person;
    const variant = i % 3;
    if (variant === 0) {
      dibao(p, head, i % 6 === 0 ? 'sci' : 'valid');
      const from = Math.floor(months.length / 3);
      insure(head, from, months.length, 350_000);
      note(p, 'R07', 'positive', `household ${h.no}: 低保 head employed (base 3,500) from ${months[from]}`);
    } else if (variant === 1) {
      dibao(p, head);
      insure(head, 1, Math.min(months.length, 5), 300_000);
      note(p, 'R07', 'positive', `household ${h.no}: 低保 head with base exactly 3,000 for a few months`);
    } else {
      const k = rng.int(0, months.length - 1);
      oneOff(p, head, 'LINSHI', months[k] as string, 150_000);
      insure(head, k, k + 1, 420_000);
      note(p, 'R07', 'positive', `household ${h.no}: 临时救助 in a month with base 4,200`);
    }
  }
  const under = takeHousehold(p, worker);
  if (under) {
    dibao(p, under.members[0] as Person);
    insure(under.members[0] as Person, 0, months.length, 299_999);
    note(p, 'R07', 'decoy', `household ${under.no}: 低保 head with base 2,999.99, just under`);
  }
  const otherMonth = takeHousehold(p, worker);
  if (otherMonth && months.length >= 2) {
    oneOff(p, otherMonth.members[0] as Person, 'LINSHI', months[0] as string, 120_000);
    insure(otherMonth.members[0] as Person, 1, months.length, 500_000);
    note(p, 'R07', 'decoy', `household ${otherMonth.no}: employed only after the 临时救助 month`);
  }
  const disabled = takeHousehold(p, (h) =>
    h.members.some((m) => m.disability !== undefined && ageOf(p, m) <= 58),
  );
  if (disabled) {
    insure(
      disabled.members.find((m) => m.disability !== undefined && ageOf(p, m) <= 58) as Person,
      0,
      months.length,
      400_000,
    );
    note(p, 'R07', 'decoy', `household ${disabled.no}: employed 残疾人两项补贴 recipient (not means-tested)`);
  }
}

// R08 -------------------------------------------------------------------------------------------

function plantUnregistered(p: Planting, positives: number): void {
  const { rng, months, county } = p.ctx;
  const villages = allVillages(county).filter((v) => v.type === 'village');
  for (let i = 0; i < positives; i++) {
    const variant = i % 4;
    if (variant === 3) {
      // 冒名: a real person's ID with someone else's name on the roster.
      const h = takeHousehold(p, isRural);
      if (!h) continue;
      const e = dibao(p, h.members[0] as Person);
      let fake = '';
      while (fake === '' || p.names.has(fake)) fake = drawSurname(rng) + drawGivenName(rng, 'M', 1960);
      e.writtenName = fake;
      note(p, 'R08', 'positive', `household ${h.no}: 低保 paid on the head's ID under another name`);
      continue;
    }
    const g = ghost(p, rng.pick(villages), i);
    if (variant === 0) dibao(p, g, 'valid');
    else if (variant === 1) oneOff(p, g, 'LINSHI', rng.pick(months), rng.int(10, 30) * 10_000);
    else dibao(p, g, 'legacy15');
    note(
      p,
      'R08',
      'positive',
      `a roster person not in the registry (${['低保', '临时救助', '低保, 15-digit ID'][variant]}) in ${g.household.village.name}`,
    );
  }
  // Decoy: a ghost whose ID a spreadsheet destroyed can't be told apart from anyone: never R08.
  const g = ghost(p, rng.pick(villages), positives + 1);
  dibao(p, g, 'sci');
  note(p, 'R08', 'decoy', 'a roster person not in the registry, but the ID is destroyed (sci)');
}

// R12 -------------------------------------------------------------------------------------------

function plantContractors(p: Planting, positives: number): void {
  const { rng, county } = p.ctx;
  const townshipOfficials = p.society.officials.filter(
    (o) => o.township !== undefined && o.end === undefined && o.start < p.ctx.startDate,
  );
  const kin = (o: Official): Person | undefined =>
    o.person.household.members.find(
      (m) =>
        m !== o.person && livesThrough(m) && !p.ctx.taken.has(m) && ageOf(p, m) >= 22 && ageOf(p, m) <= 65,
    );
  const usedOfficials = new Set<Official>();
  const pickOfficial = (accept: (o: Official) => boolean): [Official, Person] | undefined => {
    for (const o of rng.shuffle(townshipOfficials)) {
      if (usedOfficials.has(o) || !accept(o)) continue;
      const k = kin(o);
      if (k === undefined) continue;
      usedOfficials.add(o);
      p.ctx.taken.add(k);
      return [o, k];
    }
    return undefined;
  };
  for (let i = 0; i < positives; i++) {
    const variant = i % 3;
    const found = pickOfficial((o) => (variant === 1 ? o.category === '村干部' : o.category !== '村干部'));
    if (!found) continue;
    const [o, relative] = found;
    const t = o.township as NonNullable<Official['township']>;
    const village = rng.chance(0.6) ? rng.pick(t.villages) : undefined;
    if (variant === 0) {
      p.society.projects.push(
        newProject(p.ctx, p.society.projects.length, t, village, { kind: 'person', person: relative }),
      );
      note(p, 'R12', 'positive', `${t.name} project built by an official's relative (by ID)`);
    } else {
      const owner = variant === 2 ? o.person : relative;
      const entity = newBuilder(p.ctx, owner);
      p.society.entities.push(entity);
      p.society.projects.push(
        newProject(p.ctx, p.society.projects.length, t, village, { kind: 'entity', entity }),
      );
      note(
        p,
        'R12',
        'positive',
        `${t.name} project built by a company of ${variant === 2 ? 'the official himself' : "a village cadre's relative"}`,
      );
    }
  }
  // Decoy: related to an official of another township.
  const found = pickOfficial((o) => o.category !== '村干部');
  if (found && county.townships.length > 1) {
    const [o, relative] = found;
    const other = rng.pick(county.townships.filter((t) => t !== o.township));
    const entity = newBuilder(p.ctx, relative);
    p.society.entities.push(entity);
    p.society.projects.push(
      newProject(p.ctx, p.society.projects.length, other, undefined, { kind: 'entity', entity }),
    );
    note(
      p,
      'R12',
      'decoy',
      `${other.name} project built by a relative of an official of ${o.township?.name}`,
    );
  }
}

// R09 / R10 / R11 -------------------------------------------------------------------------------

function plantVillageBooks(p: Planting): void {
  const { rng, months, county, scale } = p.ctx;
  const villages = rng.shuffle(allVillages(county));
  const year = periodYears(months)[0] as string;
  const inYear = months.filter((m) => m.startsWith(year));
  const at = (): string => dateInYear(rng, months, year);
  const add = (v: Voucher) => p.society.vouchers.push(v);
  const cadres = p.society.officials.filter(
    (o) => o.category === '村干部' && o.village !== undefined && o.end === undefined,
  );
  const count = (base: number, min: number): number => Math.max(min, Math.round(base * scale));

  // R09: expenses to village cadres and their households.
  const usedCadres = new Set<Official>();
  for (let i = 0; i < count(4, 4); i++) {
    const o = rng.shuffle(cadres).find((c) => !usedCadres.has(c));
    if (!o) break;
    usedCadres.add(o);
    const v = o.village as Village;
    const family = o.person.household.members.filter((m) => livesThrough(m) && ageOf(p, m) >= 16);
    const variant = i % 4;
    const payee = variant === 2 ? o.person : (family.find((m) => m !== o.person) ?? o.person);
    // Variants 0–2 pay one expense, variant 3 two (the first with the payee's ID).
    const plan = [
      { category: '劳务费', min: 800, max: 3_000, withIds: [true], summary: '村道保洁劳务' },
      { category: '补贴发放', min: 300, max: 1_200, withIds: [false], summary: '保洁员补贴' },
      { category: '工程款', min: 5_000, max: 20_000, withIds: [false], summary: '组级道路维修' },
      { category: '劳务费', min: 500, max: 2_000, withIds: [true, false], summary: '防汛巡查' },
    ][variant] as { category: string; min: number; max: number; withIds: boolean[]; summary: string };
    for (const withId of plan.withIds)
      add({
        village: v,
        direction: '支出',
        date: at(),
        category: plan.category,
        amountFen: rng.int(plan.min, plan.max) * 100,
        payee: { kind: 'person', person: payee, withId },
        summary: plan.summary,
      });
    note(
      p,
      'R09',
      'positive',
      `${v.name}: ${['劳务费 to a cadre relative (with ID)', '补贴 to a cadre relative (by name)', '工程款 to a cadre', 'two payments to a cadre relative'][variant]}`,
    );
  }
  // R09 decoys: receipts from a cadre, a cadre's company, a cadre of another village, a same-name villager.
  const decoyCadre = rng.shuffle(cadres).find((c) => !usedCadres.has(c));
  if (decoyCadre) {
    usedCadres.add(decoyCadre);
    const v = decoyCadre.village as Village;
    add({
      village: v,
      date: at(),
      direction: '收入',
      category: '发包及上交收入',
      amountFen: 600_000,
      payee: { kind: 'person', person: decoyCadre.person, withId: true },
      summary: '上交鱼塘承包费',
    });
    const company = newBuilder(p.ctx, decoyCadre.person, 50 * 10_000_00);
    p.society.entities.push(company);
    add({
      village: v,
      date: at(),
      direction: '支出',
      category: '办公费',
      amountFen: 120_000,
      payee: { kind: 'name', name: company.name },
      summary: '购办公桌椅',
    });
    const elsewhere = villages.find((x) => x !== v) as Village;
    add({
      village: elsewhere,
      date: at(),
      direction: '支出',
      category: '劳务费',
      amountFen: 90_000,
      payee: { kind: 'person', person: decoyCadre.person, withId: true },
      summary: '技术指导劳务',
    });
    note(
      p,
      'R09',
      'decoy',
      `${v.name}: receipt from a cadre, payment to a cadre's company; ${elsewhere.name} pays that cadre (not its own)`,
    );
  }
  const cadreKin = rng
    .shuffle(cadres)
    .find((c) => !usedCadres.has(c) && c.person.household.members.length > 1);
  if (cadreKin) {
    const relative = cadreKin.person.household.members.find((m) => m !== cadreKin.person) as Person;
    const v = villages.find((x) => x !== cadreKin.village && !p.names.has(relative.name, x)) as Village;
    const namesake = p.ctx.population.persons.find(
      (y) =>
        y.household.village === v &&
        livesThrough(y) &&
        !p.ctx.taken.has(y) &&
        ageOf(p, y) >= 18 &&
        !cadres.some((c) => c.person.household === y.household),
    );
    if (namesake) {
      p.ctx.taken.add(namesake);
      p.names.rename(namesake, relative.name);
      add({
        village: v,
        date: at(),
        direction: '支出',
        category: '劳务费',
        amountFen: 150_000,
        payee: { kind: 'person', person: namesake, withId: false },
        summary: '修剪绿化',
      });
      note(
        p,
        'R09',
        'decoy',
        `${v.name}: payee shares a name with a cadre relative of ${cadreKin.village?.name}`,
      );
    }
  }

  // R10: split 工程款 (positives) and near misses (decoys), each with its own payee.
  const first = `${inYear[0]}-01`;
  const lastDay = `${inYear[inYear.length - 1]}-${daysInMonth(inYear[inYear.length - 1] as string)}`;
  const span = epochDay(lastDay) - epochDay(first);
  const plus = (days: number): string =>
    new Date((epochDay(first) + days) * 86_400_000).toISOString().slice(0, 10);
  let crew = 0;
  const crewNames = ['宏建', '永固', '大成', '安居', '立新', '兴业', '广厦', '德胜', '鼎盛', '四方'];
  const split = (
    v: Village,
    offsets: readonly number[],
    amounts: readonly number[],
    kind: 'positive' | 'decoy',
    what: string,
  ) => {
    if ((offsets[offsets.length - 1] as number) > span) return;
    const payee = `${stem(v)}${crewNames[crew % crewNames.length]}${crew >= crewNames.length ? crew : ''}施工队`;
    crew++;
    const start = rng.int(0, span - (offsets[offsets.length - 1] as number));
    offsets.forEach((d, i) => {
      add({
        village: v,
        date: plus(start + d),
        direction: '支出',
        category: '工程款',
        amountFen: amounts[i] as number,
        payee: { kind: 'name', name: payee },
        summary: `村组道路维修工程款（第${i + 1}笔）`,
      });
    });
    note(p, 'R10', kind, `${v.name} ${payee}: ${what}`);
  };
  for (let i = 0; i < count(3, 3); i++) {
    const v = villages[i % villages.length] as Village;
    const variant = i % 3;
    if (variant === 0)
      split(
        v,
        [0, 20, 44],
        [2_000_000, 1_800_000, 1_500_000],
        'positive',
        '3 payments within 45 days, 53,000 元',
      );
    else if (variant === 1)
      split(
        v,
        [0, 60],
        [3_000_000, 2_000_000],
        'positive',
        '2 payments exactly 60 days apart, exactly 50,000 元',
      );
    else
      split(
        v,
        [0, 18, 120],
        [2_800_000, 2_800_000, 2_800_000],
        'positive',
        'a 2-payment cluster and a third payment 102 days later',
      );
  }
  const dv = villages[(count(3, 3) + 1) % villages.length] as Village;
  split(dv, [0, 61], [3_000_000, 3_000_000], 'decoy', '2 payments 61 days apart');
  split(dv, [0, 30], [2_000_000, 2_999_999], 'decoy', 'cluster total 49,999.99 元');
  split(dv, [0, 10], [6_000_000, 1_000_000], 'decoy', 'one payment above 50,000 (tendered) and a small one');

  // R11: hospitality over the caps (positives) and exactly at them (decoys), one village-year each.
  const hospitality = (v: Voucher['village']) =>
    p.society.vouchers.filter((x) => x.village === v && x.category === '招待费' && x.date.startsWith(year));
  const meal = (v: Village, fen: number) =>
    add({
      village: v,
      date: at(),
      direction: '支出',
      category: '招待费',
      amountFen: fen,
      payee: { kind: 'name', name: `青山县${stem(v)}农家乐` },
      summary: '接待工作餐',
    });
  const r11Villages = villages.slice(
    0,
    Math.max(3, Math.min(villages.length - 2, Math.round(villages.length * 0.4))),
  );
  const positives = Math.min(count(3, 3), r11Villages.length - 2);
  r11Villages.slice(0, positives).forEach((v, i) => {
    const variant = i % 3;
    if (variant === 0) {
      for (let k = 0; k < 10; k++) meal(v, 48_000);
      note(p, 'R11', 'positive', `${v.name} ${year}: ten more meals, yearly total above 5,000`);
    } else if (variant === 1) {
      meal(v, 120_000);
      note(p, 'R11', 'positive', `${v.name} ${year}: one voucher of 1,200 元`);
    } else {
      meal(v, 100_001);
      note(p, 'R11', 'positive', `${v.name} ${year}: one voucher of 1,000.01 元`);
    }
  });
  for (const [i, v] of r11Villages.slice(positives, positives + 2).entries()) {
    const total = hospitality(v).reduce((s, x) => s + x.amountFen, 0);
    if (i === 0) {
      // Top the year up to exactly 5,000.00 with vouchers of at most 1,000.00.
      let left = 500_000 - total;
      while (left > 0) {
        const fen = Math.min(100_000, left);
        meal(v, fen);
        left -= fen;
      }
      note(
        p,
        'R11',
        'decoy',
        `${v.name} ${year}: hospitality exactly 5,000.00 元, no voucher above 1,000.00`,
      );
    } else {
      meal(v, 100_000);
      note(p, 'R11', 'decoy', `${v.name} ${year}: one voucher of exactly 1,000.00 元`);
    }
  }
}
