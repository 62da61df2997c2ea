import { describe, expect, it } from 'vitest';
import {
  DisclosureConfigError,
  isPublished,
  monthsBefore,
  resolveDisclosureConfig,
} from '../src/disclosure/config.js';
import { LostIdIndex, lostId } from '../src/disclosure/recipients.js';
import { disclosedParty, PaymentRefs, paymentContent } from '../src/disclosure/records.js';
import { type TotalsCell, TotalsSum } from '../src/disclosure/totals.js';
import type { NormalizedRow } from '../src/model.js';

describe('per-program publication (DISCLOSURE_CONFIG)', () => {
  it('publishes everything by default and narrows per program', () => {
    const now = '2024-06-15T02:00:00.000Z';
    expect(isPublished(resolveDisclosureConfig(), 'DIBAO_RURAL', '2001-01', now)).toBe(true);
    const config = resolveDisclosureConfig({
      default: { monthsBack: 12 },
      programs: { LINSHI: { publish: false }, GAOLING: { monthsBack: null } },
    });
    // 12 months counting June 2024: July 2023 … June 2024.
    expect(isPublished(config, 'DIBAO_RURAL', '2023-07', now)).toBe(true);
    expect(isPublished(config, 'DIBAO_RURAL', '2023-06', now)).toBe(false);
    expect(isPublished(config, 'LINSHI', '2024-06', now)).toBe(false);
    expect(isPublished(config, 'GAOLING', '2015-01', now)).toBe(true);
    expect(monthsBefore('2024-01', 1)).toBe('2023-12');
  });

  it('refuses a wrong setting, naming the path and what to write, in Chinese', () => {
    const issues = (value: unknown) => {
      try {
        resolveDisclosureConfig(value);
      } catch (error) {
        expect(error).toBeInstanceOf(DisclosureConfigError);
        return (error as DisclosureConfigError).issues;
      }
      throw new Error('accepted');
    };
    expect(issues({ programs: { DIBAO: { publish: true } } })[0]?.message).toContain('未知项目代码：DIBAO');
    expect(issues({ default: { monthsBack: 0 } })).toEqual([
      { path: 'default.monthsBack', message: 'monthsBack 至少为 1（只公开当月）' },
    ]);
    expect(issues({ default: { publish: 'yes' } })[0]?.message).toBe(
      'publish 应为 true（公开）或 false（不公开）',
    );
    expect(issues({ months: 3 })[0]?.message).toContain('不认识的设置：months');
  });
});

describe('parties as the public sees them', () => {
  it('shows organizations in full and masks persons', () => {
    expect(disclosedParty('湖南青山建设工程有限公司', false)).toBe('湖南青山建设工程有限公司');
    expect(disclosedParty('青山饭店', false)).toBe('青山饭店');
    expect(disclosedParty('张德行', false)).toBe('张**');
    expect(disclosedParty('欧阳明华', false)).toBe('欧阳**');
    // A party with an ID number is a person, whatever the name says.
    expect(disclosedParty('青山建材店', true)).toBe('青****');
    expect(disclosedParty(null, false)).toBeNull();
  });
});

describe('recipients: each person once', () => {
  const WANG = '110101195803120011';
  const WANG2 = '110101196001010012';
  const LI = '110101196205050023';
  const registry = (idNumber: string, name: string, village: string): NormalizedRow => ({
    row: 1,
    idNumber,
    idStatus: 'as_given',
    values: { name, village, township: '青山镇' },
  });
  const payment = (name: string, village: string, idNumber?: string): NormalizedRow => ({
    row: 2,
    ...(idNumber ? { idNumber } : {}),
    idStatus: idNumber ? 'as_given' : 'lost',
    values: { recipient_name: name, village, township: '青山镇', amount: 100, program: 'GAOLING' },
  });

  it('ties a lost ID to the one registered person of that name in that village, else keeps the row its own recipient', () => {
    const index = new LostIdIndex();
    for (const r of [
      registry(LI, '李秀英', '红星村'),
      registry(WANG, '王建国', '红星村'),
      registry(WANG2, '王建国', '红星村'),
    ])
      index.addRegistryRow(r);
    expect(index.recipientOf(payment('李秀英', '红星村', LI))).toEqual({ key: LI, idNumber: LI });
    // `红星村委会` is 红星村.
    expect(index.recipientOf(payment('李秀英', '红星村委会'))).toEqual({ key: LI, idNumber: LI });
    // Two 王建国 in 红星村: never guessed.
    expect(index.recipientOf(payment('王建国', '红星村'))).toEqual({ key: '王建国|青山镇|红星村' });
    expect(index.recipientOf(payment('李秀英', '白沙村'))).toEqual({ key: '李秀英|青山镇|白沙村' });
  });

  it('keeps only the wanted names and villages, and the same answers when kept and read back', () => {
    const wanted = new Set([
      LostIdIndex.keyOf('王建国', '红星村') as string,
      LostIdIndex.keyOf('赵大山', '红星村') as string,
    ]);
    const index = new LostIdIndex(wanted);
    for (const r of [registry(LI, '李秀英', '红星村'), registry(WANG, '王建国', '红星村')])
      index.addRegistryRow(r);
    expect(index.entries()).toEqual([
      [LostIdIndex.keyOf('王建国', '红星村'), [WANG]],
      [LostIdIndex.keyOf('赵大山', '红星村'), []],
    ]);
    const kept = LostIdIndex.of(JSON.parse(JSON.stringify(index.entries())));
    expect(kept.recipientOf(payment('王建国', '红星村')).key).toBe(WANG);
    expect(kept.recipientOf(payment('赵大山', '红星村')).key).toBe('赵大山|青山镇|红星村');
    expect(lostId(payment('王建国', '红星村'))).toBe(true);
    expect(lostId(payment('王建国', '红星村', WANG))).toBe(false);
  });

  it('sums the shards: amounts and payments add, recipients of different shards are different persons', () => {
    const cell = (recipients: number, amount: number): TotalsCell => ({
      year: '2024',
      scope: 'county',
      program: '*',
      by: 'month',
      key: '2024-01',
      label: '2024-01',
      amount,
      recipients,
      payments: recipients,
    });
    const sum = new TotalsSum();
    sum.add([cell(2, 300)]);
    sum.add([cell(1, 100), { ...cell(1, 50), key: '2024-02', label: '2024-02' }]);
    expect(sum.cells().map((c) => [c.key, c.amount, c.recipients])).toEqual([
      ['2024-01', 400, 3],
      ['2024-02', 50, 1],
    ]);
  });
});

describe('payment refs (PaymentRefs)', () => {
  const key = new Uint8Array(32).fill(7);
  const payment = (values: Partial<Record<string, string | number>>, row = 2): NormalizedRow =>
    ({
      row,
      sheet: null,
      idNumber: null,
      values: {
        recipient_name: '张三',
        township: '城关镇',
        village: '东村',
        program: 'DIBAO_RURAL',
        program_name: '农村低保',
        amount: 50000,
        pay_date: '2023-01-15',
        period: '2023-01',
        ...values,
      },
    }) as unknown as NormalizedRow;
  const refOfRow = (r: NormalizedRow, refs = new PaymentRefs('civil-affairs', key)) =>
    refs.next(r, paymentContent(r) as NonNullable<ReturnType<typeof paymentContent>>, '0');

  it('keeps a payment’s ref when its row number moves, and numbers identical payments', () => {
    expect(refOfRow(payment({}, 2))).toBe(refOfRow(payment({}, 900)));
    const refs = new PaymentRefs('civil-affairs', key);
    const first = refOfRow(payment({}), refs);
    expect(refOfRow(payment({}), refs)).toBe(`${first}.1`);
    expect(first).toMatch(/^civil-affairs\|\|[0-9a-f]{16}$/);
  });

  it('digests the stored values, not what the page shows, under the deployment’s key', () => {
    // 张三 and 张四 both show as 张*: still two payments, each with a ref of its own.
    const zhangSan = payment({});
    const zhangSi = payment({ recipient_name: '张四' });
    expect(paymentContent(zhangSan)?.name).toBe(paymentContent(zhangSi)?.name);
    expect(refOfRow(zhangSan)).not.toBe(refOfRow(zhangSi));
    // A catalogue program shows its catalogue name whatever the file wrote; the ref follows the file.
    const renamed = payment({ program_name: '农村最低生活保障' });
    expect(paymentContent(renamed)?.programName).toBe(paymentContent(zhangSan)?.programName);
    expect(refOfRow(renamed)).not.toBe(refOfRow(zhangSan));
    // Another deployment's key gives other refs: the name is digested in the clear, so keyed.
    const other = new PaymentRefs('civil-affairs', new Uint8Array(32).fill(8));
    expect(refOfRow(zhangSan, other)).not.toBe(refOfRow(zhangSan));
  });
});
