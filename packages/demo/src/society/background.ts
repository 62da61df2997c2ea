import { ageAt, dateIn, daysInMonth } from '../calendar.js';
import { allVillages, type County, type Village } from '../geography.js';
import type { Household, Person, Population } from '../population.js';
import type { Rng } from '../random.js';
import type { Enrollment } from '../world.js';
import { creditCode, plate } from './codes.js';
import type { Entity, OfficialCategory, Payee, Society, Voucher } from './types.js';

/** Programs that test the recipient's means (CONTRACT.md §2 catalogue). */
export const MEANS_TESTED_PROGRAMS: ReadonlySet<string> = new Set([
  'DIBAO_RURAL',
  'DIBAO_URBAN',
  'TEKUN',
  'LINSHI',
  'WEIFANG',
]);

/** Exempt (working) vehicle classes of R03 and the ones that are not. */
export const WORKING_VEHICLES = ['摩托车', '三轮汽车', '低速货车', '拖拉机'] as const;
export const PRIVATE_VEHICLES = ['小型轿车', '小型普通客车', '中型普通客车', '重型货车'] as const;

const SHOPS = ['百货店', '农资店', '副食店', '五金店', '建材店', '餐馆', '理发店', '超市', '药店', '养殖场'];
const COMPANY_WORDS = [
  '宏达',
  '鑫源',
  '兴旺',
  '恒通',
  '华盛',
  '金利',
  '顺发',
  '长青',
  '瑞丰',
  '永安',
  '福星',
  '众诚',
];
const BUILDERS = ['建筑工程', '水利水电工程', '路桥工程', '市政工程', '园林绿化工程'];
const RESTAURANTS = ['农家乐', '家常菜馆', '土菜馆', '酒家', '饭店'];
const STATIONERY = ['文具店', '打印社', '办公用品店', '广告部'];

/** Everything the other generators need to know about who is who, built once. */
export interface SocietyContext {
  readonly rng: Rng;
  readonly county: County;
  readonly population: Population;
  readonly months: readonly string[];
  readonly startDate: string;
  readonly enrollments: readonly Enrollment[];
  /** persons / 2000: how much bigger than the default county. */
  readonly scale: number;
  readonly usedCreditCodes: Set<string>;
  readonly usedPlates: Set<string>;
  /** Persons already given a role by a plant or the background (kept apart so plants stay clean). */
  readonly taken: Set<Person>;
}

/** Persons alive for the whole story (no death at all): the only ones given new roles. */
export function livesThrough(p: Person): boolean {
  return p.death === undefined;
}

/** Persons paid by a means-tested program. */
export function meansTestedPayees(enrollments: readonly Enrollment[]): Set<Person> {
  return new Set(enrollments.filter((e) => MEANS_TESTED_PROGRAMS.has(e.program)).map((e) => e.person));
}

/** Households with a means-tested payee among their members. */
export function meansTestedHouseholds(enrollments: readonly Enrollment[]): Set<Household> {
  return new Set([...meansTestedPayees(enrollments)].map((p) => p.household));
}

/** A date uniformly drawn between two `YYYY-MM-DD` dates (inclusive). */
export function dateBetween(rng: Rng, from: string, to: string): string {
  const a = Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5, 7)) - 1, Number(from.slice(8, 10)));
  const b = Date.UTC(Number(to.slice(0, 4)), Number(to.slice(5, 7)) - 1, Number(to.slice(8, 10)));
  const day = rng.int(Math.round(a / 86_400_000), Math.round(b / 86_400_000));
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** A short stem for business names from a village (`龙泉村` → `龙泉`). */
export function stem(village: Village): string {
  return village.name.replace(/(村|社区)$/, '');
}

/** A new market entity, registered in the county. */
export function newEntity(
  ctx: SocietyContext,
  legalRep: Person,
  options: {
    type: Entity['type'];
    capitalFen: number | null;
    status: Entity['status'];
    name?: string;
  },
): Entity {
  const { rng, county } = ctx;
  const kind = options.type === '个体工商户' ? '92' : options.type === '农民专业合作社' ? '93' : '91';
  const village = legalRep.household.village;
  const name =
    options.name ??
    (options.type === '个体工商户'
      ? `${county.name}${stem(village)}${rng.pick(COMPANY_WORDS)}${rng.pick(SHOPS)}`
      : options.type === '农民专业合作社'
        ? `${county.name}${stem(village)}${rng.pick(['果蔬', '茶叶', '生猪', '油茶', '水产'])}种养专业合作社`
        : `${county.name}${rng.pick(COMPANY_WORDS)}${rng.pick(['商贸', '农业开发', '物流', '电子', '食品'])}有限公司`);
  return {
    creditCode: creditCode(rng, kind, county.areaCode, ctx.usedCreditCodes),
    name,
    type: options.type,
    legalRep,
    capitalFen: options.capitalFen,
    status: options.status,
    established: dateBetween(rng, '2005-01-01', `${ctx.startDate.slice(0, 4)}-01-01`),
  };
}

/** A construction company (for projects and village 工程款), its legal rep drawn from `reps`. */
export function newBuilder(ctx: SocietyContext, legalRep: Person, capitalFen = 2_000_000_00): Entity {
  const { rng, county } = ctx;
  return newEntity(ctx, legalRep, {
    type: '有限责任公司',
    capitalFen,
    status: '存续',
    name: `${county.name}${rng.pick(COMPANY_WORDS)}${rng.pick(BUILDERS)}有限公司`,
  });
}

function weightedCategory(rng: Rng): OfficialCategory {
  return rng.weighted<OfficialCategory>([
    ['公务员', 60],
    ['参公', 15],
    ['事业编', 25],
  ]);
}

/** Draw up to `count` distinct persons satisfying `accept`, marking them taken. */
export function draw(
  ctx: SocietyContext,
  pool: readonly Person[],
  count: number,
  accept: (p: Person) => boolean,
): Person[] {
  const out: Person[] = [];
  for (const p of ctx.rng.shuffle(pool)) {
    if (out.length >= count) break;
    if (ctx.taken.has(p) || !accept(p)) continue;
    ctx.taken.add(p);
    out.push(p);
  }
  return out;
}

/**
 * The county's ordinary life outside the subsidy rosters, free of any lead on purpose:
 * officials and village cadres (kept out of poor and means-tested households), payroll,
 * social insurance of wage earners (not of means-tested payees), businesses (not run by
 * means-tested payees or poor households), homes and vehicles (poor households only own
 * 宅基地 and working vehicles), the poverty register, projects built by unrelated firms and
 * village books whose hospitality stays under the caps and whose 工程款 never split.
 * Plants add the leads and the near misses afterwards.
 */
export function generateBackground(ctx: SocietyContext): Society {
  const { rng, county, population, months, startDate, scale } = ctx;
  const society: Society = {
    officials: [],
    payroll: [],
    insurance: [],
    entities: [],
    properties: [],
    vehicles: [],
    poverty: [],
    projects: [],
    vouchers: [],
  };
  const year = Number(startDate.slice(0, 4));
  const age = (p: Person): number => ageAt(p.birth, startDate);
  const mtPayees = meansTestedPayees(ctx.enrollments);
  const mtHouseholds = meansTestedHouseholds(ctx.enrollments);
  const count = (base: number, min: number): number => Math.max(min, Math.round(base * scale));

  // Poverty register: rural households, mostly among those already on 低保; everyone alive.
  for (const h of population.households) {
    if (h.village.type !== 'village' || !h.members.every(livesThrough)) continue;
    if (!rng.chance(mtHouseholds.has(h) ? 0.35 : 0.04)) continue;
    const exited = rng.chance(0.9);
    society.poverty.push({
      household: h,
      status: exited ? '已脱贫' : '未脱贫',
      identifiedYear: rng.int(2014, 2016),
      ...(exited ? { exitYear: rng.int(2017, 2020) } : {}),
    });
  }
  const poorHouseholds = new Set(society.poverty.map((p) => p.household));
  const ordinary = (p: Person): boolean =>
    livesThrough(p) && !mtHouseholds.has(p.household) && !poorHouseholds.has(p.household);

  // Officials: village cadres, township staff, county staff. Everyone in post since before the period.
  const villages = allVillages(county);
  const residents = new Map<Village, Person[]>();
  for (const p of population.persons) {
    const list = residents.get(p.household.village);
    if (list) list.push(p);
    else residents.set(p.household.village, [p]);
  }
  for (const v of villages) {
    // Small villages of a small demo county get fewer cadres, so plants still find free households.
    const people = residents.get(v) ?? [];
    const posts = ['村党支部书记', '村委会主任', '村委会委员兼会计'].slice(
      0,
      people.length >= 90 ? 3 : people.length >= 40 ? 2 : 1,
    );
    const cadres = draw(ctx, people, posts.length, (p) => ordinary(p) && age(p) >= 30 && age(p) <= 60);
    cadres.forEach((person, i) => {
      society.officials.push({
        person,
        employer: `${v.township.name}${v.name}村民委员会`.replace('社区村民委员会', '社区居民委员会'),
        position: posts[i] as string,
        category: '村干部',
        township: v.township,
        village: v,
        start: dateBetween(rng, '2018-01-01', '2021-06-30'),
      });
    });
  }
  for (const t of county.townships) {
    const pool = t.villages.flatMap((v) => residents.get(v) ?? []);
    for (const person of draw(ctx, pool, count(6, 3), (p) => ordinary(p) && age(p) >= 24 && age(p) <= 58)) {
      const category = weightedCategory(rng);
      society.officials.push({
        person,
        employer:
          category === '事业编'
            ? `${t.name}${rng.pick(['卫生院', '农业综合服务中心', '中心学校'])}`
            : `${t.name}人民政府`,
        position: rng.pick(['科员', '副镇长', '站长', '办事员', '干部', '专技人员']),
        category,
        township: t,
        start: dateBetween(rng, '1995-01-01', `${year - 1}-06-30`),
      });
    }
  }
  const countyEmployers = [
    '青山县民政局',
    '青山县财政局',
    '青山县自然资源局',
    '青山县教育局',
    '青山县人民医院',
  ];
  for (const person of draw(
    ctx,
    population.persons,
    count(14, 4),
    (p) => ordinary(p) && age(p) >= 24 && age(p) <= 58,
  )) {
    const category = rng.chance(0.1) ? '国企' : weightedCategory(rng);
    society.officials.push({
      person,
      employer: category === '国企' ? '青山县城市建设投资有限公司' : rng.pick(countyEmployers),
      position: rng.pick(['科员', '副局长', '股长', '主任科员', '医师', '经理']),
      category,
      start: dateBetween(rng, '1995-01-01', `${year - 1}-06-30`),
    });
  }

  // Payroll: everyone on a public post except cadres and state-company staff, plus teachers.
  const payrollFor = (person: Person, employer: string): void => {
    const monthlyFen = rng.int(4_500_00, 9_500_00);
    society.payroll.push({ person, employer, monthlyFen, months: [...months] });
    society.insurance.push({ person, employer, bases: new Map(months.map((m) => [m, monthlyFen])) });
  };
  for (const o of society.officials) {
    if (o.category === '村干部') continue;
    if (o.category === '国企') {
      society.insurance.push({
        person: o.person,
        employer: o.employer,
        bases: new Map(months.map((m) => [m, 6_000_00])),
      });
    } else payrollFor(o.person, o.employer);
  }
  for (const person of draw(
    ctx,
    population.persons,
    count(10, 3),
    (p) => ordinary(p) && age(p) >= 24 && age(p) <= 58,
  )) {
    payrollFor(person, `青山县第${'一二三'.charAt(rng.int(0, 2))}${rng.pick(['中学', '小学'])}`);
  }
  const officialHouseholds = new Set(society.officials.map((o) => o.person.household));

  // Businesses: run by people who are neither means-tested payees nor poor.
  const repOk = (p: Person): boolean =>
    livesThrough(p) && !mtPayees.has(p) && !poorHouseholds.has(p.household) && age(p) >= 23 && age(p) <= 65;
  for (const rep of draw(ctx, population.persons, count(36, 12), repOk)) {
    const type = rng.weighted<Entity['type']>([
      ['个体工商户', 60],
      ['有限责任公司', 35],
      ['农民专业合作社', 5],
    ]);
    const capitalFen =
      type === '个体工商户'
        ? rng.chance(0.4)
          ? null
          : rng.int(1, 20) * 10_000_00
        : type === '有限责任公司'
          ? rng.int(10, 500) * 10_000_00
          : rng.int(5, 100) * 10_000_00;
    const status = rng.weighted<Entity['status']>([
      ['存续', 55],
      ['在业', 30],
      ['注销', 10],
      ['吊销', 5],
    ]);
    society.entities.push(newEntity(ctx, rep, { type, capitalFen, status }));
  }
  // Builders: their legal reps live in households without any official.
  const builderOk = (p: Person): boolean =>
    repOk(p) && !officialHouseholds.has(p.household) && p.gender === 'M';
  const builders = draw(ctx, population.persons, count(6, 4), builderOk).map((rep) => newBuilder(ctx, rep));
  society.entities.push(...builders);
  // Employees of the county's businesses pay social insurance; a few flexible workers pay below the threshold.
  const companies = society.entities.filter((e) => e.type === '有限责任公司');
  for (const person of draw(
    ctx,
    population.persons,
    count(90, 20),
    (p) => livesThrough(p) && !mtPayees.has(p) && age(p) >= 20 && age(p) <= 58,
  )) {
    const flexible = rng.chance(0.2);
    const base = flexible ? rng.int(2_000_00, 2_990_00) : rng.int(3_000_00, 8_000_00);
    const from = rng.chance(0.7) ? 0 : rng.int(1, months.length - 1);
    society.insurance.push({
      person,
      employer: flexible ? '灵活就业人员' : (rng.pick(companies)?.name ?? '青山县宏达商贸有限公司'),
      bases: new Map(months.slice(from).map((m) => [m, base])),
    });
  }

  // Homes and vehicles.
  for (const h of population.households) {
    const owners = h.members.filter((p) => livesThrough(p) && age(p) >= 20);
    const owner = owners[0];
    if (owner === undefined) continue;
    const poorOrAided = poorHouseholds.has(h) || mtHouseholds.has(h);
    if (h.village.type === 'village' && rng.chance(0.7)) {
      society.properties.push({
        owner,
        address: h.address,
        usage: '宅基地',
        housingType: '宅基地',
        areaSqm: rng.int(80, 200),
        registered: dateBetween(rng, '1992-01-01', '2016-12-31'),
      });
      if (rng.chance(0.2))
        society.properties.push({
          owner,
          address: h.address,
          usage: '住宅',
          housingType: '自建房',
          areaSqm: rng.int(90, 260),
          registered: dateBetween(rng, '2000-01-01', '2019-12-31'),
        });
    }
    if (!poorOrAided && rng.chance(h.village.type === 'community' ? 0.35 : 0.1)) {
      society.properties.push({
        owner: rng.pick(owners),
        address: `${county.name}青山镇${rng.pick(['滨江花园', '青山名苑', '阳光新城', '锦绣家园'])}${rng.int(1, 20)}栋${rng.int(1, 30)}0${rng.int(1, 4)}室`,
        usage: rng.chance(0.06) ? '商业' : '住宅',
        housingType: '商品房',
        areaSqm: rng.int(60, 160),
        registered: dateBetween(rng, '2008-01-01', `${year}-06-30`),
      });
    }
    const drivers = owners.filter((p) => age(p) <= 70);
    const driver = drivers.length > 0 ? rng.pick(drivers) : undefined;
    if (driver === undefined) continue;
    if (!poorOrAided && rng.chance(0.25)) {
      society.vehicles.push({
        owner: driver,
        plate: plate(rng, ctx.usedPlates),
        vehicleClass: rng.weighted<string>([
          ['小型轿车', 60],
          ['小型普通客车', 30],
          ['中型普通客车', 4],
          ['重型货车', 6],
        ]),
        registered: dateBetween(rng, '2010-01-01', `${year}-06-30`),
        status: rng.chance(0.95) ? '正常' : '注销',
      });
    }
    if (h.village.type === 'village' && rng.chance(0.2)) {
      society.vehicles.push({
        owner: driver,
        plate: plate(rng, ctx.usedPlates),
        vehicleClass: rng.pick(WORKING_VEHICLES),
        registered: dateBetween(rng, '2008-01-01', `${year}-06-30`),
        status: '正常',
      });
    }
  }

  // Projects: built by the unrelated builders, or by unrelated individual contractors.
  const contractorsByPerson = draw(ctx, population.persons, count(2, 2), builderOk);
  for (let i = 0; i < count(8, 6); i++) {
    const township = rng.pick(county.townships);
    const village = rng.chance(0.7) ? rng.pick(township.villages) : undefined;
    const person =
      contractorsByPerson.length > 0 && rng.chance(0.2) ? rng.pick(contractorsByPerson) : undefined;
    society.projects.push(
      newProject(
        ctx,
        society.projects.length,
        township,
        village,
        person ? { kind: 'person', person } : { kind: 'entity', entity: rng.pick(builders) },
      ),
    );
  }

  // Village books: one year's vouchers per village, under every cap.
  const cadreHouseholds = new Set(
    society.officials.filter((o) => o.category === '村干部').map((o) => o.person.household),
  );
  for (const v of villages) {
    const locals = (residents.get(v) ?? []).filter(
      (p) => livesThrough(p) && age(p) >= 18 && !cadreHouseholds.has(p.household),
    );
    society.vouchers.push(...ordinaryVouchers(ctx, v, locals));
  }
  return society;
}

/** A project with a deterministic code (`XM` + year + number). */
export function newProject(
  ctx: SocietyContext,
  index: number,
  township: Village['township'],
  village: Village | undefined,
  contractor: import('./types.js').Contractor,
  budgetFen?: number,
): import('./types.js').Project {
  const { rng, months } = ctx;
  const year = (months[0] as string).slice(0, 4);
  const budget = budgetFen ?? rng.int(10, 300) * 10_000_00;
  const kind = rng.pick(['道路硬化', '安全饮水', '河道清淤', '危桥改造', '农田水利', '村部改造', '路灯亮化']);
  const start = dateBetween(rng, `${months[0]}-01`, `${months[Math.max(0, months.length - 3)]}-28`);
  return {
    code: `XM${year}${String(index + 1).padStart(4, '0')}`,
    name: `${village ? village.name : township.name}${kind}工程`,
    department: rng.pick([
      '青山县交通运输局',
      '青山县水利局',
      '青山县乡村振兴局',
      `${township.name}人民政府`,
    ]),
    township,
    ...(village ? { village } : {}),
    budgetFen: budget,
    fundingSource: rng.pick(['财政衔接资金', '县级财政', '专项债券', '一事一议']),
    contractor,
    tenderMethod: budget >= 100_000_000 ? '公开招标' : rng.pick(['竞争性磋商', '询价', '邀请招标']),
    start,
    end: dateBetween(rng, start, `${Number(year) + 1}-06-30`),
    status: rng.chance(0.6) ? '已完工' : '在建',
  };
}

/** A random date inside the period's months of `year`. */
export function dateInYear(rng: Rng, months: readonly string[], year: string): string {
  const inYear = months.filter((m) => m.startsWith(year));
  const month = rng.pick(inYear);
  return dateIn(month, rng.int(1, daysInMonth(month)));
}

/** The years the period touches. */
export function periodYears(months: readonly string[]): string[] {
  return [...new Set(months.map((m) => m.slice(0, 4)))];
}

function ordinaryVouchers(ctx: SocietyContext, v: Village, locals: readonly Person[]): Voucher[] {
  const { rng, months, scale } = ctx;
  const out: Voucher[] = [];
  const k = Math.max(1, Math.round(scale));
  const s = stem(v);
  const named = (name: string): Payee => ({ kind: 'name', name });
  for (const year of periodYears(months)) {
    const at = (): string => dateInYear(rng, months, year);
    out.push({
      village: v,
      date: at(),
      direction: '收入',
      category: '上级补助收入',
      amountFen: rng.int(50_000, 200_000) * 100,
      payee: named(`${v.township.name}财政所`),
      summary: '村级组织运转经费',
    });
    if (v.type === 'village')
      out.push({
        village: v,
        date: at(),
        direction: '收入',
        category: '发包及上交收入',
        amountFen: rng.int(2_000, 30_000) * 100,
        payee: named(`${s}村${rng.int(1, 9)}组`),
        summary: '集体土地承包费',
      });
    for (let i = 0; i < rng.int(2, 4); i++)
      out.push({
        village: v,
        date: at(),
        direction: '支出',
        category: '办公费',
        amountFen: rng.int(80, 1_500) * 100,
        payee: named(`青山县${s}${rng.pick(STATIONERY)}`),
        summary: rng.pick(['购办公用品', '打印资料', '制作公示牌']),
      });
    // Hospitality: a few small meals, well under both caps (at most 5 × 650 元 = 3,250 元).
    const restaurant = `青山县${s}${rng.pick(RESTAURANTS)}`;
    for (let i = 0; i < rng.int(2, 5); i++)
      out.push({
        village: v,
        date: at(),
        direction: '支出',
        category: '招待费',
        amountFen: rng.int(150, 650) * 100,
        payee: named(restaurant),
        summary: rng.pick(['接待镇检查组工作餐', '接待扶贫工作队', '防汛值班误餐']),
      });
    for (let i = 0; i < rng.int(2, 5) * k && locals.length > 0; i++) {
      const person = rng.pick(locals);
      out.push({
        village: v,
        date: at(),
        direction: '支出',
        category: '劳务费',
        amountFen: rng.int(300, 3_000) * 100,
        payee: { kind: 'person', person, withId: rng.chance(0.5) },
        summary: rng.pick(['清扫保洁', '防汛巡查', '修剪绿化', '水渠维护']),
      });
    }
    for (let i = 0; i < rng.int(0, 2) * k && locals.length > 0; i++) {
      const person = rng.pick(locals);
      out.push({
        village: v,
        date: at(),
        direction: '支出',
        category: '补贴发放',
        amountFen: rng.int(200, 1_000) * 100,
        payee: { kind: 'person', person, withId: rng.chance(0.5) },
        summary: rng.pick(['护林员补贴', '保洁员补贴', '网格员补贴']),
      });
    }
    // Construction: one tendered contract above the threshold, or one small job; never two to one payee.
    const builder = `${s}${rng.pick(['第一', '第二', '联合'])}施工队`;
    out.push(
      rng.chance(0.5)
        ? {
            village: v,
            date: at(),
            direction: '支出',
            category: '工程款',
            amountFen: rng.int(60_000, 300_000) * 100,
            payee: named(`${s}${rng.pick(COMPANY_WORDS)}建设有限公司`),
            summary: '村道硬化工程款（已招标）',
          }
        : {
            village: v,
            date: at(),
            direction: '支出',
            category: '工程款',
            amountFen: rng.int(5_000, 40_000) * 100,
            payee: named(builder),
            summary: '水渠维修工程款',
          },
    );
  }
  return out;
}
