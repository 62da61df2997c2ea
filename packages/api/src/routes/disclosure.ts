import { chinaMonth, type DisclosureConfig, publicationOf } from '@jiandu/domain/disclosure/config';
import { lookupDigest, personDigest } from '@jiandu/domain/disclosure/lookup';
import type { DisclosureStore } from '@jiandu/domain/disclosure/ports';
import {
  type DisclosedFinanceItem,
  type DisclosedHousehold,
  type DisclosedNotice,
  type DisclosedPayment,
  type DisclosedProject,
  paymentOrder,
} from '@jiandu/domain/disclosure/records';
import { ALL_PROGRAMS, scopeKey, TOTALS_BY, type TotalsScope } from '@jiandu/domain/disclosure/totals';
import { DomainError, ValidationError } from '@jiandu/domain/errors';
import {
  type DivisionIndex,
  normalizeDivisionCode,
  normalizeTownshipName,
  normalizeVillageName,
} from '@jiandu/domain/normalize/division';
import { readTypedIdNumber } from '@jiandu/domain/normalize/id';
import { resolveProgram } from '@jiandu/domain/normalize/program';
import { PROGRAMS } from '@jiandu/domain/programs';
import type { RateLimit, RateLimitStore } from '@jiandu/domain/rate-limit';
import * as z from 'zod';
import { yuan } from '../views.js';
import { addressLimiter, pageOf, publicGet, publicList } from './public-answers.js';
import { Day } from './schemas.js';
import { type ApiDeps, clockOf, parseBody, type RouteSpec } from './types.js';

/** What the public disclosure routes need. */
export interface DisclosureApiDeps {
  /** The projections the workflow maintains. */
  readonly store: DisclosureStore;
  /** Which programs are published, how many months back (env `DISCLOSURE_CONFIG`). */
  readonly config: DisclosureConfig;
  /** The platform's lookup key (`PlatformKeys.lookup`) and address key (`PlatformKeys.addresses`). */
  readonly keys: { readonly lookup: Uint8Array; readonly addresses: Uint8Array };
  /** Counters shared by every API instance (DynamoDB with TTL). */
  readonly limits: RateLimitStore;
  /** Personal lookups per caller address and window, across instances. @default 10 per 600 s */
  readonly lookupLimit?: RateLimit;
  /** The county's divisions in force (names and codes of townships and villages). */
  readonly divisions?: () => Promise<DivisionIndex | undefined>;
  /** How long browsers and CDNs may keep public answers. @default 300 */
  readonly maxAgeSeconds?: number;
}

/** The public error of something a request names that doesn't exist: 404 with what to do. */
class PublicNotFoundError extends DomainError {
  constructor(message: string) {
    super('not_found', message);
  }
}

/** A village named with a township it doesn't belong to. */
const villageElsewhere = (village: string, itsTownship: string, asked: string) =>
  new PublicNotFoundError(
    `查询参数有误：村（社区）“${village}”属于${itsTownship}，不在${asked}；请改填乡镇（township）为${itsTownship}，或用 /api/v1/public/divisions 中村（社区）的12位区划代码`,
  );

const required = (hint: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? `必填，${hint}` : hint),
});
const Month = z
  .string(required('应为月份，如 2024-03'))
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '应为月份，如 2024-03');
const Year = z.string(required('应为四位年份，如 2024')).regex(/^\d{4}$/, '应为四位年份，如 2024');
const Place = z.string().trim().min(1, '不能为空：不按此筛选时请去掉这个参数').max(64, '最多 64 个字');
const Program = z.string().trim().min(1, '不能为空：不按项目筛选时请去掉这个参数').max(64, '最多 64 个字');
const Limit = z.coerce
  .number({ error: '应为 1 到 200 之间的整数' })
  .int('应为 1 到 200 之间的整数')
  .min(1, '应为 1 到 200 之间的整数')
  .max(200, '应为 1 到 200 之间的整数')
  .optional();
const Cursor = z.string().max(2048, '翻页游标无效：请使用上一页返回的 nextCursor').optional();
const PlaceQuery = { township: Place.optional(), village: Place.optional() };
const PageQuery = { cursor: Cursor, limit: Limit };

const DivisionsQuery = z.object({});
const ProgramsQuery = z.object({ year: Year.optional() });
const TotalsQuery = z.object({
  year: Year.optional(),
  program: Program.optional(),
  ...PlaceQuery,
  by: z
    .enum(TOTALS_BY, { error: '应为 month（按月）、township（按乡镇）、village（按村）或 program（按项目）' })
    .default('month'),
});
const PaymentsQuery = z.object({ month: Month, program: Program.optional(), ...PlaceQuery, ...PageQuery });
const PlacePageQuery = z.object({ ...PlaceQuery, ...PageQuery });
const FinanceQuery = z.object({
  village: z.string(required('请填写村（社区）的12位区划代码，如 431121101201')).trim().min(1).max(64),
  township: Place.optional(),
  year: Year.optional().describe(
    'Year of the books; default: the latest year the village has books, else the latest year with payments',
  ),
});
const NoticesQuery = z
  .object({
    ...PlaceQuery,
    category: z.string().trim().min(1).max(16).optional(),
    from: Day.optional(),
    to: Day.optional(),
    q: z
      .string()
      .trim()
      .min(1, '不能为空：不按关键词查找时请去掉这个参数')
      .max(50, '最多 50 个字')
      .optional(),
    ...PageQuery,
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['from'], message: '不能晚于截止日期（to）' });
/** The personal lookup: full name and ID number, in the body (never a URL or an access log). */
const LookupBody = z.strictObject(
  {
    name: z.string({ error: '请填写姓名' }).trim().min(1, '请填写姓名').max(32, '最多 32 个字'),
    idNumber: z
      .string({ error: '请填写18位身份证号' })
      .trim()
      .min(1, '请填写18位身份证号')
      .max(32, '应为18位身份证号'),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `只需填写姓名（name）和身份证号（idNumber），不认识：${issue.keys.join('、')}`
        : '请求内容应为 JSON 对象，如 {"name":"张三","idNumber":"…"}',
  },
);

/** A payment as the public sees it (allow-listed fields only). */
export const paymentView = (p: DisclosedPayment) => ({
  name: p.name,
  township: p.township,
  village: p.village,
  program: p.program,
  programName: p.programName,
  amount: yuan(p.amount),
  payDate: p.payDate,
  period: p.period,
});
const householdView = (h: DisclosedHousehold) => ({
  name: h.name,
  township: h.township,
  village: h.village,
  members: h.members,
  status: h.status,
  identifiedYear: h.identifiedYear,
  exitYear: h.exitYear,
});
const projectView = (p: DisclosedProject) => ({
  code: p.code,
  name: p.name,
  department: p.department,
  township: p.township,
  village: p.village,
  budget: p.budget === null ? null : yuan(p.budget),
  fundingSource: p.fundingSource,
  contractor: p.contractor,
  tenderMethod: p.tenderMethod,
  startDate: p.startDate,
  endDate: p.endDate,
  status: p.status,
});
/** A village-finance line item as the public sees it. */
export const financeItemView = (f: DisclosedFinanceItem) => ({
  date: f.date,
  voucherNo: f.voucherNo,
  direction: f.direction,
  category: f.category,
  counterparty: f.counterparty,
  amount: yuan(f.amount),
  summary: f.summary,
});
const noticeView = (n: DisclosedNotice) => ({
  township: n.township,
  village: n.village,
  level: n.level,
  category: n.category,
  title: n.title,
  body: n.body,
  publishDate: n.publishDate,
});

/** Sums by category of line items, largest first. */
function byCategory(items: readonly DisclosedFinanceItem[]) {
  const sums = new Map<string, number>();
  for (const i of items) sums.set(i.category ?? '其他', (sums.get(i.category ?? '其他') ?? 0) + i.amount);
  return [...sums.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([category, amount]) => ({ category, amount: yuan(amount) }));
}

const total = (items: readonly DisclosedFinanceItem[]) => yuan(items.reduce((s, i) => s + i.amount, 0));

/**
 * The public disclosure API (民生监督公开, CONTRACT.md §7): programs and totals, payments by
 * month, the personal lookup, poverty households, projects, village finance and notices.
 * Every answer allow-lists its fields (`*View`); reads are one or two queries of the
 * projections the workflow maintains.
 */
export function disclosureRoutes(deps: ApiDeps): RouteSpec[] {
  const d = deps.disclosure;
  const now = clockOf(deps);
  const maxAge = d.maxAgeSeconds ?? 300;

  /**
   * The program a request names: a catalogue code, name or alias, or the name of a program
   * outside the catalogue that the year's payments carry; anything else is a 404 saying where
   * the valid values are (not an empty answer that looks like "nothing was paid").
   */
  async function programOf(raw: string, year: string): Promise<string> {
    const known = resolveProgram(raw)?.code;
    if (known) return known;
    const cells = await d.store.totals(year, scopeKey({ level: 'county' }), ALL_PROGRAMS, 'program');
    if (cells.some((cell) => cell.key === raw)) return raw;
    throw new PublicNotFoundError(
      `查询参数有误：项目（program）“${raw}”不在项目目录中，${year} 年也没有这个项目的发放记录；请使用 /api/v1/public/programs?year=${year} 列出的项目代码（code）或名称，不按项目筛选时请去掉这个参数`,
    );
  }

  /**
   * Township and village as the projections name them. A village is given by its 12-digit code
   * or by name (with its township when the name isn't unique); names are normalized as uploads
   * are, and resolved against the divisions in force when there are any: then a name that is
   * not among them, or a village outside the given township, is a 404 saying where to look.
   */
  async function placeOf(q: { township?: string | undefined; village?: string | undefined }): Promise<{
    township?: string;
    village?: string;
    code?: string;
  }> {
    const divisions = await d.divisions?.();
    const known = divisions && divisions.size > 0 ? divisions : undefined;
    const townshipOf = (raw: string) => {
      const township = known?.resolveTownship(raw);
      if (known && !township?.code)
        throw new PublicNotFoundError(
          `查询参数有误：乡镇（township）“${raw}”不在本县的行政区划中，请在 /api/v1/public/divisions 中查找乡镇的名称或12位区划代码，不按乡镇筛选时请去掉这个参数`,
        );
      return township?.code ? { code: township.code, name: township.name } : undefined;
    };
    if (q.village !== undefined) {
      const code = normalizeDivisionCode(q.village);
      const resolved = known?.resolveVillage(q.village, q.township);
      const township = q.township === undefined ? undefined : townshipOf(q.township);
      if (resolved?.code && resolved.township) {
        if (township && township.code !== resolved.township.code)
          throw villageElsewhere(resolved.name, resolved.township.name, township.name);
        return { township: resolved.township.name, village: resolved.name, code: resolved.code };
      }
      if (code !== null)
        throw new PublicNotFoundError(
          `没有区划代码为 ${code} 的村（社区），请在 /api/v1/public/divisions 中查找正确的代码`,
        );
      if (q.township === undefined)
        throw new ValidationError(
          '查询参数有误：村（village）名称需要同时填写乡镇（township），或改用村（社区）的12位区划代码',
          { issues: [{ field: 'township', message: '请填写乡镇（township）' }] },
        );
      if (known && township) {
        const elsewhere = known.resolveVillage(q.village);
        if (elsewhere.code && elsewhere.township)
          throw villageElsewhere(elsewhere.name, elsewhere.township.name, township.name);
        throw new PublicNotFoundError(
          `查询参数有误：${township.name}没有名为“${q.village}”的村（社区），请在 /api/v1/public/divisions 中查找村（社区）的名称或12位区划代码`,
        );
      }
      return { township: normalizeTownshipName(q.township), village: normalizeVillageName(q.village) };
    }
    if (q.township !== undefined)
      return { township: townshipOf(q.township)?.name ?? normalizeTownshipName(q.township) };
    return {};
  }

  /** The year asked for, else the latest year with payments (else this year). */
  async function yearOf(year: string | undefined): Promise<{ year: string; years: string[] }> {
    const years = await d.store.years();
    return { year: year ?? years[years.length - 1] ?? chinaMonth(now()).slice(0, 4), years };
  }

  /**
   * A village's books of the year asked for, else of the latest year the village has books
   * (this year back to the county's first year with payments), else of the county's latest year.
   */
  async function financeOf(township: string, village: string, asked: string | undefined) {
    if (asked) return { year: asked, items: await d.store.financeItems(township, village, asked) };
    const { year: latest, years } = await yearOf(undefined);
    const thisYear = Number(chinaMonth(now()).slice(0, 4));
    const first = Math.min(Number(years[0] ?? thisYear), thisYear);
    // Books are stored per village and year: probe years newest first (a handful of queries).
    for (let y = Math.max(thisYear, Number(latest)); y >= first; y--) {
      const items = await d.store.financeItems(township, village, String(y));
      if (items.length > 0) return { year: String(y), items };
    }
    return { year: latest, items: [] };
  }

  const scopeOf = (p: { township?: string; village?: string }): TotalsScope =>
    p.township && p.village
      ? { level: 'village', township: p.township, village: p.village }
      : p.township
        ? { level: 'township', township: p.township }
        : { level: 'county' };

  const limitAddress = addressLimiter(deps, d.limits, d.keys.addresses);

  return [
    publicGet({
      path: '/api/v1/public/divisions',
      summary: 'The townships and villages of the county (divisions in force), with their 12-digit codes',
      query: DivisionsQuery,
      maxAge,
      answer: async () => {
        const divisions = await d.divisions?.();
        const items = (divisions?.records() ?? [])
          .filter((r) => r.level === 'township' || r.level === 'village')
          .map((r) => ({ code: r.code, name: r.name, level: r.level, parentCode: r.parentCode ?? null }));
        return { items };
      },
    }),
    publicGet({
      path: '/api/v1/public/programs',
      summary: 'The subsidy programs of a year: published or not, amount, recipients and payments',
      query: ProgramsQuery,
      maxAge,
      answer: async (q) => {
        const { year, years } = await yearOf(q.year);
        const cells = await d.store.totals(year, scopeKey({ level: 'county' }), ALL_PROGRAMS, 'program');
        const byProgram = new Map(cells.map((cell) => [cell.key, cell]));
        const codes = [...PROGRAMS.map((p) => p.code), ...cells.map((cell) => cell.key)];
        const items = [...new Set(codes)].map((code) => {
          const cell = byProgram.get(code);
          const published = publicationOf(d.config, code).publish;
          return {
            code,
            name: PROGRAMS.find((p) => p.code === code)?.name ?? cell?.label ?? code,
            published,
            amount: published && cell ? yuan(cell.amount) : 0,
            recipients: published && cell ? cell.recipients : 0,
            payments: published && cell ? cell.payments : 0,
          };
        });
        return { year, years, items };
      },
    }),
    publicGet({
      path: '/api/v1/public/totals',
      summary:
        'Payment totals of a year for the county, a township or a village, one program or all, by month, township, village or program; recipients are distinct persons',
      query: TotalsQuery,
      maxAge,
      answer: async (q) => {
        const place = await placeOf(q);
        const { year } = await yearOf(q.year);
        const program = q.program ? await programOf(q.program, year) : ALL_PROGRAMS;
        const cells = await d.store.totals(year, scopeKey(scopeOf(place)), program, q.by);
        const items = cells.map((cell) => ({
          key: cell.key,
          label: cell.label,
          ...(q.by === 'village' ? { township: cell.key.split('|')[0] ?? '' } : {}),
          amount: yuan(cell.amount),
          recipients: cell.recipients,
          payments: cell.payments,
        }));
        return { year, items };
      },
    }),
    publicList({
      path: '/api/v1/public/payments',
      summary:
        'Payments of one month (公示), by program and place, names masked; listed by place and program, then by masked name, amount and pay date; keyset paging with nextCursor',
      query: PaymentsQuery,
      maxAge,
      read: async (q) =>
        d.store.payments(
          {
            month: q.month,
            ...(q.program ? { program: await programOf(q.program, q.month.slice(0, 4)) } : {}),
            ...(await placeOf(q)),
          },
          pageOf(q),
        ),
      view: paymentView,
    }),
    {
      method: 'POST',
      path: '/api/v1/public/lookup',
      access: 'public',
      summary:
        "My payments (个人查询): full name + ID number → the person's own and their household's payments; the same answer for an unknown ID and a name that doesn't match; rate-limited per address across instances",
      request: { body: LookupBody },
      handle: async (c) => {
        c.header('Cache-Control', 'no-store');
        await limitAddress(
          c,
          'public.lookup',
          d.lookupLimit ?? { max: 10, windowSeconds: 600 },
          '查询过于频繁，请十分钟后再试',
        );
        const body = await parseBody(LookupBody, c);
        const typed = readTypedIdNumber(body.idNumber);
        if (!('id' in typed))
          throw new ValidationError(`请求内容有误：身份证号（idNumber）${typed.problem}`, {
            issues: [{ field: 'idNumber', message: `身份证号${typed.problem}` }],
          });
        const { id } = typed;
        // The same reads whether the ID is unknown or the name doesn't match: the entry (a
        // miss), then the person's own payments (discarded on a miss), so neither answer nor
        // timing tells. A hit reads own and household payments in the same one read.
        const own = personDigest(d.keys.lookup, id);
        const entry = await d.store.lookup(lookupDigest(d.keys.lookup, id, body.name));
        const payments = await d.store.paymentsOfPersons([own, ...(entry?.household ?? [])]);
        const rows = entry
          ? payments.map((p) => ({
              p,
              relation: p.person === own ? ('self' as const) : ('household' as const),
            }))
          : [];
        const items = rows
          // Newest month first; within a month by program, then as a page lists them.
          .sort(
            (a, b) =>
              b.p.period.localeCompare(a.p.period) ||
              a.p.program.localeCompare(b.p.program) ||
              paymentOrder(a.p, b.p),
          )
          .map(({ p, relation }) => ({ ...paymentView(p), relation }));
        return c.json({ items });
      },
    },
    publicList({
      path: '/api/v1/public/poverty',
      summary: 'Poverty households (建档立卡户) by place: head masked, members, status, years; keyset paging',
      query: PlacePageQuery,
      maxAge,
      read: async (q) => d.store.households(await placeOf(q), pageOf(q)),
      view: householdView,
    }),
    publicList({
      path: '/api/v1/public/projects',
      summary:
        'Livelihood projects by place: budget, source of funds, contractor (a person masked), procurement, dates, status',
      query: PlacePageQuery,
      maxAge,
      read: async (q) => d.store.projects(await placeOf(q), pageOf(q)),
      view: projectView,
    }),
    publicGet({
      path: '/api/v1/public/village-finance',
      summary:
        "A village's books of a year (村级财务): income by source, expenditure by category and every line item; without `year`, the latest year the village has books (else the county's latest year with payments)",
      query: FinanceQuery,
      maxAge,
      answer: async (q) => {
        const place = await placeOf(q);
        const { year, items } = await financeOf(place.township ?? '', place.village ?? '', q.year);
        const income = items.filter((i) => i.direction === '收入');
        const expenditure = items.filter((i) => i.direction === '支出');
        return {
          village: { code: place.code ?? null, name: place.village ?? '', township: place.township ?? '' },
          year,
          income: { total: total(income), bySource: byCategory(income) },
          expenditure: { total: total(expenditure), byCategory: byCategory(expenditure) },
          items: items.map(financeItemView),
        };
      },
    }),
    publicList({
      path: '/api/v1/public/notices',
      summary: 'Notices (党务政务村务公开) by place, category, publish dates and words, newest first',
      query: NoticesQuery,
      maxAge,
      read: async (q) =>
        d.store.notices(
          {
            ...(await placeOf(q)),
            ...(q.category ? { category: q.category } : {}),
            ...(q.from ? { from: q.from } : {}),
            ...(q.to ? { to: q.to } : {}),
            ...(q.q ? { q: q.q } : {}),
          },
          pageOf(q),
        ),
      view: noticeView,
    }),
  ];
}
