import { addMonths, dateIn, quarterOf } from '../calendar.js';
import {
  AMOUNT_STYLES,
  type AmountStyle,
  DATE_STYLES,
  type DateStyle,
  ENCODINGS,
  type Encoding,
  encodeText,
  PERIOD_STYLES,
  type PeriodStyle,
  renderCsv,
  writeAmount,
  writeDate,
  writePeriod,
} from '../format.js';
import { type IdNoise, writeId } from '../ids.js';
import { traditionalSurname } from '../names.js';
import type { Rng } from '../random.js';
import type { PaymentRecord } from '../records.js';
import { type DemoProgram, type Enrollment, type GeneratedFile, paidMonths, type World } from '../world.js';

type Column =
  | 'seq'
  | 'township'
  | 'village'
  | 'name'
  | 'id'
  | 'program'
  | 'amount'
  | 'period'
  | 'payDate'
  | 'detail'
  | 'note';

/** One group of payments that a department puts into one file (a month, a quarter or a year). */
interface Group {
  readonly key: string;
  readonly months: string[];
}

interface ProgramSpec {
  readonly program: DemoProgram;
  readonly department: string;
  readonly grouping: 'month' | 'quarter' | 'year';
  /** Values departments write in the program column for this program. */
  readonly aliases: readonly string[];
  readonly nameHeaders: readonly string[];
  readonly detailHeader: string;
  /** Column order; `period` is dropped when the file has no period column. */
  readonly columns: readonly Column[];
  readonly period: 'always' | 'sometimes' | 'never';
  /** The issuing office for the second title row. */
  readonly issuer: string;
  readonly title: (county: string, group: Group) => string;
  readonly fileName: (group: Group) => string;
  /** Pay date of a row paying `month`, in a file covering `group`; `batch` is drawn once per file. */
  readonly payDate: (month: string, group: Group, batch: number, rng: Rng, hasPeriod: boolean) => string;
}

const ym = (month: string): string => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
const span = (g: Group): string => {
  const first = g.months[0] as string;
  const last = g.months[g.months.length - 1] as string;
  return first === last ? ym(first) : `${ym(first)}-${Number(last.slice(5, 7))}月`;
};
const quarterName = (g: Group): string =>
  `${g.key.slice(0, 4)}年第${'一二三四'.charAt(Number(g.key.slice(5)) - 1)}季度`;

const SPECS: readonly ProgramSpec[] = [
  {
    program: 'DIBAO_RURAL',
    department: 'civil-affairs',
    grouping: 'month',
    aliases: ['农村低保', '农村最低生活保障金', '农村最低生活保障'],
    nameHeaders: ['户主姓名', '姓名', '领取人'],
    detailHeader: '保障人数',
    columns: [
      'seq',
      'township',
      'village',
      'name',
      'id',
      'detail',
      'program',
      'amount',
      'period',
      'payDate',
      'note',
    ],
    period: 'sometimes',
    issuer: '填报单位：青山县民政局（盖章）',
    title: (county, g) => `${county}${ym(g.months[0] as string)}农村低保发放花名册`,
    fileName: (g) => `${g.key.slice(0, 4)}年${g.key.slice(5, 7)}月农村低保发放花名册.csv`,
    // Paid in a batch mid-month; when the roster states the period, sometimes early next month.
    payDate: (month, _g, batch, _rng, hasPeriod) =>
      hasPeriod && batch % 2 === 0
        ? dateIn(addMonths(month, 1), 3 + (batch % 5))
        : dateIn(month, 5 + (batch % 11)),
  },
  {
    program: 'TEKUN',
    department: 'civil-affairs',
    grouping: 'quarter',
    aliases: ['特困人员救助供养', '特困供养', '五保供养'],
    nameHeaders: ['姓名', '领取人'],
    detailHeader: '护理等级',
    columns: ['seq', 'name', 'id', 'township', 'village', 'detail', 'program', 'period', 'amount', 'payDate'],
    period: 'always',
    issuer: '填报单位：青山县民政局社会救助股',
    title: (county, g) => `${county}${span(g)}特困人员救助供养金发放明细表`,
    fileName: (g) => `特困人员供养金发放明细_${quarterName(g)}.csv`,
    // The whole quarter is paid at once, on the 20th of its last month.
    payDate: (_month, g, _batch) => dateIn(g.months[g.months.length - 1] as string, 20),
  },
  {
    program: 'LINSHI',
    department: 'civil-affairs',
    grouping: 'quarter',
    aliases: ['临时救助', '临时救助金'],
    nameHeaders: ['姓名', '领取人'],
    detailHeader: '救助事由',
    columns: ['seq', 'township', 'village', 'name', 'id', 'detail', 'program', 'amount', 'payDate', 'period'],
    period: 'sometimes',
    issuer: '填报单位：青山县民政局',
    title: (county, g) => `${county}${quarterName(g)}临时救助发放台账`,
    fileName: (g) => `临时救助发放台账_${g.key}.csv`,
    payDate: (month, _g, _batch, rng) => dateIn(month, rng.int(1, 28)),
  },
  {
    program: 'GAOLING',
    department: 'civil-affairs',
    grouping: 'quarter',
    aliases: ['高龄津贴', '高龄老人补贴'],
    nameHeaders: ['姓名', '领取人'],
    detailHeader: '年龄',
    columns: ['seq', 'township', 'village', 'name', 'detail', 'id', 'program', 'period', 'amount', 'payDate'],
    period: 'always',
    issuer: '填报单位：青山县民政局养老服务股',
    title: (county, g) => `${county}${quarterName(g)}高龄津贴发放名册`,
    fileName: (g) => `高龄津贴发放名册${quarterName(g)}.csv`,
    payDate: (month) => dateIn(month, 10),
  },
  {
    program: 'CANJI',
    department: 'disabled-federation',
    grouping: 'quarter',
    aliases: ['残疾人两项补贴', '残疾人两项补贴资金'],
    nameHeaders: ['姓名', '领取人'],
    // Not '补贴类型': ingest reads that as the program column, and 两项补贴 is no program name.
    detailHeader: '享受类型',
    columns: [
      'seq',
      'name',
      'id',
      'township',
      'village',
      'detail',
      'program',
      'period',
      'amount',
      'payDate',
      'note',
    ],
    period: 'always',
    issuer: '填报单位：青山县残疾人联合会',
    title: (county, g) => `${county}残疾人联合会${quarterName(g)}残疾人两项补贴发放表`,
    fileName: (g) => `残疾人两项补贴发放表_${quarterName(g)}.csv`,
    // Paid in arrears, on the 15th of the following month.
    payDate: (month) => dateIn(addMonths(month, 1), 15),
  },
  {
    program: 'GENGDI',
    department: 'agriculture',
    grouping: 'year',
    aliases: ['耕地地力保护补贴', '耕地地力补贴'],
    nameHeaders: ['户主姓名', '姓名'],
    detailHeader: '计补面积（亩）',
    columns: ['seq', 'township', 'village', 'name', 'id', 'detail', 'program', 'amount', 'payDate', 'note'],
    period: 'never',
    issuer: '填报单位：青山县农业农村局（盖章）',
    title: (county, g) => `${county}${g.key}年耕地地力保护补贴发放清册`,
    fileName: (g) => `${g.key}年耕地地力保护补贴发放清册.csv`,
    payDate: (month, _g, batch) => dateIn(month, 10 + (batch % 18)),
  },
];

const HEADERS = {
  seq: ['序号'],
  township: ['乡镇（街道）', '乡镇(街道)', '乡镇'],
  village: ['村（社区）', '村(社区)', '村'],
  id: ['身份证号', '公民身份号码', '身份证号码', '证件号码', ' 身份证号 '],
  program: ['项目名称', '资金名称', '补贴类别'],
  amount: ['金额（元）', '发放金额', '金额(元)', '发放金额（元）'],
  period: ['所属期', '发放月份'],
  payDate: ['发放日期'],
  note: ['备注'],
} as const;

const STAFF = ['刘芳', '陈建国', '周敏', '谭伟', '李娟', '彭亮'];

/** Per-file presentation, rotated across files so every variant shows up in the default county. */
interface FileStyle {
  readonly encoding: Encoding;
  readonly dateStyle: DateStyle;
  readonly periodStyle: PeriodStyle;
  readonly amountStyle: AmountStyle;
  readonly titleRows: 0 | 1 | 2;
  readonly blankAfterTitles: boolean;
  readonly total: '合计' | '总计' | null;
  readonly notes: boolean;
  readonly quoteAll: boolean;
  readonly eol: '\n' | '\r\n';
  /** Share of rows with noisy IDs or names. */
  readonly noise: number;
  /** Village committees written as `xx村委会`. */
  readonly villageCommittee: boolean;
  readonly header: (options: readonly string[]) => string;
}

function styleFor(k: number, rng: Rng): FileStyle {
  const pickHeader = rng.uint32();
  return {
    encoding: ENCODINGS[k % ENCODINGS.length] as Encoding,
    dateStyle: DATE_STYLES[k % DATE_STYLES.length] as DateStyle,
    periodStyle: PERIOD_STYLES[k % PERIOD_STYLES.length] as PeriodStyle,
    amountStyle: AMOUNT_STYLES[k % AMOUNT_STYLES.length] as AmountStyle,
    titleRows: ([1, 2, 0, 1] as const)[k % 4] as 0 | 1 | 2,
    blankAfterTitles: k % 3 !== 1,
    total: ([`合计`, null, '总计', '合计'] as const)[k % 4] ?? null,
    notes: k % 2 === 0,
    quoteAll: k % 5 === 3,
    eol: k % 3 === 0 ? '\r\n' : '\n',
    noise: [0.02, 0.06, 0.12][k % 3] as number,
    villageCommittee: k % 2 === 1,
    header: (options) => options[(pickHeader + k) % options.length] as string,
  };
}

function groupKey(month: string, grouping: ProgramSpec['grouping']): string {
  if (grouping === 'month') return month;
  if (grouping === 'quarter') return `${month.slice(0, 4)}Q${quarterOf(month)}`;
  return month.slice(0, 4);
}

function idNoise(rng: Rng, id18: string, style: FileStyle, lowerX: boolean): IdNoise {
  if (id18.endsWith('X') && lowerX) return 'lowerX';
  if (!rng.chance(style.noise)) return 'none';
  return rng.pick<IdNoise>(['fullWidth', 'spaces', 'dashes', 'padded']);
}

function nameAsWritten(rng: Rng, name: string, style: FileStyle, readableId: boolean): string {
  // Traditional characters only where the ID identifies the person: a lost ID falls back to the name.
  if (readableId && rng.chance(style.noise / 4)) {
    const trad = traditionalSurname(name);
    if (trad !== null) return trad;
  }
  if (!rng.chance(style.noise)) return name;
  const chars = Array.from(name);
  // Two-character names are padded to line up with three-character ones.
  if (chars.length === 2) return `${chars[0]}${rng.pick([' ', '\u3000', '  '])}${chars[1]}`;
  return rng.chance(0.5) ? `${name} ` : `\u3000${name}`;
}

/**
 * Subsidy payment rosters (民生资金发放明细), one file per program and month, quarter or year,
 * in the shape and with the blemishes of real county exports (CONTRACT.md §3).
 */
export function subsidyPaymentFiles(world: World): { files: GeneratedFile[]; records: PaymentRecord[] } {
  const { county, enrollments, months, rng } = world;
  const files: GeneratedFile[] = [];
  const records: PaymentRecord[] = [];
  let fileCounter = rng.int(0, 59);

  for (const spec of SPECS) {
    const rows: { e: Enrollment; month: string; fen: number }[] = [];
    for (const e of enrollments) {
      if (e.program !== spec.program) continue;
      for (const [month, fen] of paidMonths(e)) rows.push({ e, month, fen });
    }
    const groups = new Map<string, Group>();
    for (const m of months) {
      const key = groupKey(m, spec.grouping);
      const g = groups.get(key) ?? { key, months: [] };
      g.months.push(m);
      groups.set(key, g);
    }
    // Rows by month, in their original order: the sort below is stable and only ties rows of one month.
    const rowsIn = new Map<string, typeof rows>();
    for (const r of rows) {
      const list = rowsIn.get(r.month);
      if (list) list.push(r);
      else rowsIn.set(r.month, [r]);
    }
    for (const group of groups.values()) {
      const inGroup = group.months
        .flatMap((m) => rowsIn.get(m) ?? [])
        .sort((a, b) => {
          const ha = a.e.person.household;
          const hb = b.e.person.household;
          const va = a.e.paidIn ?? ha.village;
          const vb = b.e.paidIn ?? hb.village;
          if (va.code !== vb.code) return va.code < vb.code ? -1 : 1;
          if (ha.no !== hb.no) return ha.no < hb.no ? -1 : 1;
          if (a.e.person.index !== b.e.person.index) return a.e.person.index - b.e.person.index;
          return a.month < b.month ? -1 : a.month > b.month ? 1 : 0;
        });
      if (inGroup.length === 0) continue;
      const k = fileCounter++;
      const style = styleFor(k, rng);
      const hasPeriod = spec.period === 'always' || (spec.period === 'sometimes' && k % 2 === 0);
      const columns = spec.columns.filter((c) => c !== 'period' || hasPeriod);
      const header = columns.map((c) => {
        if (c === 'name') return style.header(spec.nameHeaders);
        if (c === 'detail') return spec.detailHeader;
        return style.header(HEADERS[c]);
      });
      const alias = style.header(spec.aliases);
      const lowerX = k % 4 === 1;
      const batch = rng.int(0, 1000);
      let total = 0;
      const table: string[][] = [];
      const fileRecords: Omit<PaymentRecord, 'line'>[] = [];
      for (const [i, { e, month, fen }] of inGroup.entries()) {
        const readable = e.idForm === 'valid' || e.idForm === 'legacy15';
        const idText = writeId(e.person.id18, e.idForm, idNoise(rng, e.person.id18, style, lowerX));
        const nameText = nameAsWritten(rng, e.writtenName ?? e.person.name, style, readable);
        const village = e.paidIn ?? e.person.household.village;
        const villageText =
          village.type === 'village' && style.villageCommittee !== rng.chance(0.1)
            ? `${village.name}委会`
            : village.name;
        const payDate = spec.payDate(month, group, batch, rng, hasPeriod);
        const cells: Record<Column, string> = {
          seq: String(i + 1),
          township: village.township.name,
          village: villageText,
          name: nameText,
          id: idText,
          program: spec.program === 'CANJI' && e.detail !== '两项补贴' ? e.detail : alias,
          amount: writeAmount(fen, style.amountStyle, style.encoding),
          period: writePeriod(month, style.periodStyle),
          payDate: writeDate(payDate, style.dateStyle),
          detail: e.detail,
          note: i % 17 === 5 ? rng.pick(['银行代发', '一卡通发放', '新增']) : '',
        };
        table.push(columns.map((c) => cells[c]));
        total += fen;
        fileRecords.push({
          department: spec.department,
          fileName: spec.fileName(group),
          program: spec.program,
          idText,
          idForm: e.idForm,
          nameText,
          village,
          month: hasPeriod ? month : payDate.slice(0, 7),
          amountFen: fen,
        });
      }
      const titles = [spec.title(county.name, group), `${spec.issuer}　　　　单位：元`].slice(
        0,
        style.titleRows,
      );
      const totalRow =
        style.total === null
          ? undefined
          : columns.map((c) => {
              if (c === 'seq') return style.total as string;
              if (c === 'name') return `共${inGroup.length}人次`;
              if (c === 'amount')
                return writeAmount(
                  total,
                  style.amountStyle === 'wan' ? 'decimal' : style.amountStyle,
                  style.encoding,
                );
              return '';
            });
      const lastMonth = group.months[group.months.length - 1] as string;
      const [maker, checker, leader] = rng.shuffle(STAFF);
      const notes = style.notes
        ? [
            `制表人：${maker}　审核人：${checker}　分管领导：${leader}`,
            `制表日期：${ym(lastMonth)}${rng.int(20, 28)}日`,
          ]
        : [];
      const { text, firstDataLine } = renderCsv({
        titles,
        padTitles: k % 2 === 0,
        blankAfterTitles: titles.length > 0 && style.blankAfterTitles,
        header,
        rows: table,
        ...(totalRow ? { total: totalRow } : {}),
        notes,
        quoteAll: style.quoteAll,
        eol: style.eol,
      });
      files.push({
        department: spec.department,
        kind: 'subsidy_payments',
        fileName: spec.fileName(group),
        body: encodeText(text, style.encoding),
      });
      for (const [i, r] of fileRecords.entries()) records.push({ ...r, line: firstDataLine + i });
    }
  }
  return { files, records };
}
