/**
 * A `subsidy_payments` roster of any length with the blemishes of real county exports
 * (CONTRACT.md §3): title rows, noisy and destroyed ID numbers, names with blanks and
 * traditional characters, every date and amount style, blank rows, a total row and notes.
 * Deterministic and generated row by row, so a million rows never sit in memory.
 */
import { type AmountStyle, type DateStyle, writeAmount, writeDate, writePeriod } from '@jiandu/demo/format';
import { type IdForm, type IdNoise, makeId, writeId } from '@jiandu/demo/ids';

/** The roster's header (one of the synonyms the alias table knows for each column). */
export const HEADER = [
  '序号',
  '乡镇（街道）',
  '村（社区）',
  '户主姓名',
  '身份证号',
  '项目名称',
  '金额（元）',
  '所属期',
  '发放日期',
  '备注',
] as const;

const TOWNSHIPS = ['青山镇', '灰山港镇', '白水乡', '石门街道', '龙潭镇', '新河乡'];
const VILLAGES = ['青山村', '黄泥村委会', '白沙村', '石门社区', '龙潭村', '新河村', '桃园村', '柳树村'];
// Aliases of catalogue programs, and one program the catalogue doesn't know.
const PROGRAMS = [
  '农村低保',
  '农村最低生活保障金',
  '特困供养',
  '临时救助',
  '高龄津贴',
  '残疾人两项补贴',
  '城乡医疗救助',
];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '趙', '周', '吳', '欧阳', '司马'];
const GIVEN = ['伟', '芳', '秀英', '建国', '敏', '静', '丽', '强', '磊', '军', '洋', '艳', '勇', '杰', '娟'];
const AMOUNTS: readonly AmountStyle[] = ['decimal', 'comma', 'yen', 'yuan', 'bare', 'wan'];
const DATES: readonly DateStyle[] = ['iso', 'slash', 'compact', 'chinese', 'excel'];
const NOISE: readonly IdNoise[] = ['lowerX', 'fullWidth', 'spaces', 'dashes', 'padded'];

/** xorshift32: fast, deterministic, good enough for test data. */
class Xorshift {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.#s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#s = x >>> 0;
    return this.#s / 0x1_0000_0000;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

/** What kind of line a roster line is, for counting what the reader should keep. */
export type LineKind = 'title' | 'header' | 'data' | 'blank' | 'total' | 'note';

/**
 * The roster's lines, cells as text: 2 title rows, the header, `rows` data rows (about one in
 * 500 followed by a blank line), a total row and two note lines.
 */
export function* messyRoster(
  rows: number,
  options: { readonly seed?: number; readonly encoding?: 'utf8' | 'gbk' } = {},
): Generator<{ kind: LineKind; cells: string[] }> {
  const rng = new Xorshift(options.seed ?? 20230701);
  // GBK has no `¥`: GBK files write the full-width `￥`.
  const encoding = options.encoding ?? 'utf8';
  yield { kind: 'title', cells: ['青山县2023年民生资金发放花名册'] };
  yield { kind: 'title', cells: ['填报单位：青山县民政局（盖章）', '', '', '', '', '', '', '', '单位：元'] };
  yield { kind: 'header', cells: [...HEADER] };
  let total = 0;
  for (let i = 1; i <= rows; i++) {
    const birth = `19${40 + rng.int(60)}-${String(1 + rng.int(12)).padStart(2, '0')}-${String(1 + rng.int(28)).padStart(2, '0')}`;
    const id18 = makeId(`4311${String(21 + rng.int(9)).padStart(2, '0')}`, birth, rng.int(1000));
    const r = rng.next();
    const form: IdForm = r < 0.03 ? 'legacy15' : r < 0.05 ? 'sci' : r < 0.07 ? 'zeros' : 'valid';
    const id = writeId(id18, form, rng.next() < 0.1 ? rng.pick(NOISE) : 'none');
    let name = `${rng.pick(SURNAMES)}${rng.pick(GIVEN)}${rng.next() < 0.5 ? rng.pick(GIVEN) : ''}`;
    if (rng.next() < 0.05) name = `${name.charAt(0)}\u3000${name.slice(1)}`;
    // About 1% of rows lack a usable amount: the reader must reject them with a reason.
    const fen = (100 + rng.int(2000)) * 100 + (rng.next() < 0.2 ? rng.int(100) : 0);
    total += fen;
    const amount = rng.next() < 0.01 ? '待核' : writeAmount(fen, rng.pick(AMOUNTS), encoding);
    const month = `2023-${String(1 + rng.int(12)).padStart(2, '0')}`;
    const payDate = writeDate(`${month}-${String(5 + rng.int(20)).padStart(2, '0')}`, rng.pick(DATES));
    yield {
      kind: 'data',
      cells: [
        String(i),
        rng.pick(TOWNSHIPS),
        rng.pick(VILLAGES),
        name,
        id,
        rng.pick(PROGRAMS),
        amount,
        rng.next() < 0.7 ? writePeriod(month, rng.pick(['iso', 'chinese', 'dotted'] as const)) : '',
        payDate,
        rng.next() < 0.02 ? '补发' : '',
      ],
    };
    if (rng.next() < 0.002) yield { kind: 'blank', cells: [] };
  }
  yield { kind: 'total', cells: ['合计', '', '', '', '', '', (total / 100).toFixed(2), '', '', ''] };
  yield { kind: 'note', cells: ['备注：1、本表由乡镇民政办填报'] };
  yield { kind: 'note', cells: ['2、金额单位为元'] };
}
