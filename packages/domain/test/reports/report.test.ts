import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../src/errors.js';
import { derivePlatformKeys } from '../../src/keys.js';
import {
  DEFAULT_REPORT_DEADLINES,
  ReportDeadlineConfigError,
  resolveReportDeadlines,
} from '../../src/reports/config.js';
import {
  applyReportCommand,
  fileReport,
  InvalidReportTransitionError,
  isReportOverdue,
  legacyReceiptHash,
  maskPhone,
  newReceiptCode,
  normalizePhone,
  normalizeReceiptCode,
  overdueStage,
  RECEIPT_ALPHABET,
  type Report,
  type ReportSubmission,
  receiptHash,
} from '../../src/reports/report.js';

const KEY = derivePlatformKeys('report-test-master-secret-0123456789abcdef').receipts;

// 2024-03-01 10:00 China Standard Time.
const FILED = '2024-03-01T02:00:00.000Z';
// The start of that CST day: all a report keeps of its receipt time.
const FILED_DAY = '2024-02-29T16:00:00.000Z';
const officer = { subject: 'u-qingshan', name: '王镇' };

const submission: ReportSubmission = {
  category: 'subsidy',
  township: '青山镇',
  village: '龙泉村',
  content: '龙泉村有人去世两年了还在领低保。',
  reporter: { anonymous: true },
};

function filed(overrides: Partial<ReportSubmission> = {}, at = FILED) {
  return fileReport(
    { ...submission, ...overrides },
    {
      now: at,
      deadlines: DEFAULT_REPORT_DEADLINES,
      routing: { township: '青山镇', village: '龙泉村', office: '青山镇' },
      receiptKey: KEY,
    },
  );
}

/** Acknowledge, investigate, conclude — each at the given instant. */
function handled(report: Report, steps: { ack?: string; investigate?: string; conclude?: string }): Report {
  let r = report;
  if (steps.ack) r = applyReportCommand(r, { action: 'acknowledge' }, officer, steps.ack, r.revision);
  if (steps.investigate)
    r = applyReportCommand(r, { action: 'investigate' }, officer, steps.investigate, r.revision);
  if (steps.conclude)
    r = applyReportCommand(
      r,
      { action: 'conclude', answer: '经核查属实，已停发并追回。' },
      officer,
      steps.conclude,
      r.revision,
    );
  return r;
}

describe('receipt codes', () => {
  it('are 16 symbols (80 bits) without 0/O/1/I, in groups of four, and differ every time', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newReceiptCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) {
      expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    }
    expect(RECEIPT_ALPHABET).toHaveLength(32);
    expect(RECEIPT_ALPHABET).not.toMatch(/[01IO]/);
    // 16 symbols of a 32-symbol alphabet: 16 × 5 = 80 bits.
    expect(16 * Math.log2(RECEIPT_ALPHABET.length)).toBeGreaterThanOrEqual(80);
  });

  it('map each random byte to alphabet[byte mod 32] (uniform, as 256 is a multiple of 32)', () => {
    const code = newReceiptCode(() => Uint8Array.from({ length: 16 }, (_, i) => i * 32 + 31 - i));
    expect(code.replace(/-/g, '')).toBe('ZYXWVUTSRQPNMLKJ');
  });

  it('are recognized however they are typed, and hashed the same', () => {
    const code = 'AB2C-D3EF-4GH5-JK6L';
    for (const typed of [
      'ab2c-d3ef-4gh5-jk6l',
      ' AB2C D3EF 4GH5 JK6L ',
      'AB2CD3EF4GH5JK6L',
      'ＡＢ２Ｃ－Ｄ３ＥＦ－４ＧＨ５－ＪＫ６Ｌ',
    ]) {
      expect(normalizeReceiptCode(typed)).toBe('AB2CD3EF4GH5JK6L');
      expect(receiptHash(typed, KEY)).toBe(receiptHash(code, KEY));
    }
    expect(receiptHash(code, KEY)).toMatch(/^[0-9a-f]{64}$/);
    expect(receiptHash('AB2C-D3EF-4GH5-JK6M', KEY)).not.toBe(receiptHash(code, KEY));
  });

  it('are stored as a keyed digest: hashing a guessed code without the key finds nothing', () => {
    const code = 'AB2CD3EF4GH5JK6L';
    const plain = createHash('sha256').update(`jiandu-receipt|${code}`).digest('hex');
    expect(receiptHash(code, KEY)).not.toBe(plain);
    const otherKey = derivePlatformKeys('another-county-master-secret-0123456789').receipts;
    expect(receiptHash(code, otherKey)).not.toBe(receiptHash(code, KEY));
  });

  it('recognise a 12-symbol code of before the upgrade by its old plain digest, and key it like any other', () => {
    const legacy = 'AB2CD3EF4GH5';
    expect(legacyReceiptHash('ab2c-d3ef-4gh5')).toBe(
      createHash('sha256').update(`jiandu-receipt|${legacy}`).digest('hex'),
    );
    expect(receiptHash(legacy, KEY)).not.toBe(legacyReceiptHash(legacy));
    expect(legacyReceiptHash('AB2C-D3EF-4GH5-JK6L')).toBeUndefined();
  });

  it('reject what can never be one (wrong length, 0/O/1/I)', () => {
    expect(normalizeReceiptCode('AB2C-D3EF-4GH5-JK6')).toBeUndefined();
    expect(normalizeReceiptCode('AB2C-D3EF-4GH5-JK60')).toBeUndefined();
    expect(normalizeReceiptCode('AB2C-D3EF-4GH5-JK6O')).toBeUndefined();
    expect(() => receiptHash('nope', KEY)).toThrow(ValidationError);
  });
});

describe('filing', () => {
  it('stores only the hash of the receipt code and stamps the deadlines in CST days', () => {
    const { report, receiptCode } = filed();
    expect(report.receiptHash).toBe(receiptHash(receiptCode, KEY));
    expect(JSON.stringify(report)).not.toContain(receiptCode.replace(/-/g, ''));
    expect(report).toMatchObject({
      channel: 'online',
      status: 'received',
      office: '青山镇',
      revision: 1,
      leadIds: [],
      // Received 1 March (CST): acknowledge by the end of 4 March, conclude by the end of 31 March.
      acknowledgeBy: '2024-03-04T15:59:59.999Z',
      concludeBy: '2024-03-31T15:59:59.999Z',
    });
    expect(report.reportId).toMatch(/^RP-[0-9a-f]{24}$/);
    expect(report.history).toEqual([
      {
        at: FILED_DAY,
        by: 'reporter',
        action: 'file',
        to: 'received',
        details: { channel: 'online', office: '青山镇' },
      },
    ]);
  });

  it('keeps the receipt time to the day: nothing stored holds the minute it came in', () => {
    const { report } = filed({}, '2024-03-01T07:43:12.345Z');
    expect(report.receivedAt).toBe(FILED_DAY);
    expect(report.updatedAt).toBe(FILED_DAY);
    expect(report.history[0]?.at).toBe(FILED_DAY);
    expect(JSON.stringify(report)).not.toMatch(/07:43|15:43|12\.345/);
    // Late in the evening CST is still that day; after midnight CST it's the next.
    expect(filed({}, '2024-03-01T15:59:00.000Z').report.receivedAt).toBe(FILED_DAY);
    expect(filed({}, '2024-03-01T16:00:00.000Z').report.receivedAt).toBe('2024-03-01T16:00:00.000Z');
  });

  it('accepts a short real complaint', () => {
    expect(filed({ content: '修路工程偷工减料' }).report.content).toBe('修路工程偷工减料');
  });

  it('keeps a real-name reporter with a normalized phone, and records the supervisor who assisted', () => {
    const { report } = fileReport(
      { ...submission, reporter: { anonymous: false, name: ' 李大娘 ', phone: '138 1234-5678' } },
      {
        now: FILED,
        deadlines: DEFAULT_REPORT_DEADLINES,
        routing: { township: '青山镇', village: '龙泉村', office: '青山镇' },
        receiptKey: KEY,
        assistedBy: { subject: 'u-supervisor', name: '村务监督委员会' },
      },
    );
    expect(report.reporter).toEqual({ anonymous: false, name: '李大娘', phone: '13812345678' });
    expect(report.channel).toBe('assisted');
    expect(report.assistedBy).toEqual({ subject: 'u-supervisor', name: '村务监督委员会' });
    expect(report.history[0]).toMatchObject({ by: 'u-supervisor', byName: '村务监督委员会' });
  });

  it('names the field of bad input', () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).details?.field;
      }
      throw new Error('expected a ValidationError');
    };
    expect(field(() => filed({ content: '  ' }))).toBe('content');
    expect(field(() => filed({ category: 'gossip' as never }))).toBe('category');
    expect(field(() => filed({ reporter: { anonymous: false, name: '', phone: '13812345678' } }))).toBe(
      'reporter.name',
    );
    expect(field(() => filed({ reporter: { anonymous: false, name: '李四', phone: '12345' } }))).toBe(
      'reporter.phone',
    );
  });

  it('accepts mobiles and landlines, and masks them for lists', () => {
    expect(normalizePhone('+86 139-0000-1111')).toBe('13900001111');
    expect(normalizePhone('0731-8888 6666')).toBe('073188886666');
    expect(normalizePhone('23900001111')).toBeUndefined();
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
});

describe('handling', () => {
  it('goes received → acknowledged → investigating → concluded, with history and revisions', () => {
    const { report } = filed();
    const done = handled(report, {
      ack: '2024-03-02T01:00:00.000Z',
      investigate: '2024-03-03T01:00:00.000Z',
      conclude: '2024-03-20T01:00:00.000Z',
    });
    expect(done).toMatchObject({
      status: 'concluded',
      revision: 4,
      acknowledgedAt: '2024-03-02T01:00:00.000Z',
      investigatingAt: '2024-03-03T01:00:00.000Z',
      concludedAt: '2024-03-20T01:00:00.000Z',
      answer: '经核查属实，已停发并追回。',
    });
    expect(done.history.map((h) => [h.action, h.from, h.to, h.by])).toEqual([
      ['file', undefined, 'received', 'reporter'],
      ['acknowledge', 'received', 'acknowledged', 'u-qingshan'],
      ['investigate', 'acknowledged', 'investigating', 'u-qingshan'],
      ['conclude', 'investigating', 'concluded', 'u-qingshan'],
    ]);
    expect(done.history[1]?.details).toEqual({ onTime: true });
    expect(done.history[3]?.details).toEqual({ onTime: true });
    // The input is never mutated.
    expect(report.status).toBe('received');
  });

  it('may conclude straight after acknowledging, but never skip the acknowledgement', () => {
    const { report } = filed();
    expect(() =>
      applyReportCommand(report, { action: 'conclude', answer: '不属实' }, officer, FILED, 1),
    ).toThrow(InvalidReportTransitionError);
    const ack = handled(report, { ack: FILED });
    expect(applyReportCommand(ack, { action: 'conclude', answer: '不属实' }, officer, FILED, 2).status).toBe(
      'concluded',
    );
  });

  it('refuses a stale revision and a second conclusion', () => {
    const { report } = filed();
    const ack = handled(report, { ack: FILED });
    expect(() => applyReportCommand(ack, { action: 'investigate' }, officer, FILED, 1)).toThrow(
      ConflictError,
    );
    const done = handled(ack, { conclude: FILED });
    const again = () =>
      applyReportCommand(done, { action: 'conclude', answer: '再答一次' }, officer, FILED, 3);
    expect(again).toThrow(InvalidReportTransitionError);
    expect(again).toThrow(/concluded/);
  });

  it('requires the answer to conclude', () => {
    const ack = handled(filed().report, { ack: FILED });
    expect(() => applyReportCommand(ack, { action: 'conclude', answer: '   ' }, officer, FILED, 2)).toThrow(
      '答复（answer）不能为空',
    );
  });

  it('links and unlinks leads in any status, once each', () => {
    const { report } = filed();
    const linked = applyReportCommand(report, { action: 'link_lead', leadId: 'R01-abc' }, officer, FILED, 1);
    expect(linked.leadIds).toEqual(['R01-abc']);
    expect(linked.history.at(-1)).toMatchObject({ action: 'link_lead', details: { leadId: 'R01-abc' } });
    expect(() =>
      applyReportCommand(linked, { action: 'link_lead', leadId: 'R01-abc' }, officer, FILED, 2),
    ).toThrow('线索 R01-abc 已关联到这件举报');
    const done = handled(linked, { ack: FILED, conclude: FILED });
    const unlinked = applyReportCommand(
      done,
      { action: 'unlink_lead', leadId: 'R01-abc' },
      officer,
      FILED,
      4,
    );
    expect(unlinked.leadIds).toEqual([]);
    expect(unlinked.status).toBe('concluded');
    expect(() =>
      applyReportCommand(unlinked, { action: 'unlink_lead', leadId: 'R01-abc' }, officer, FILED, 5),
    ).toThrow('线索 R01-abc 未关联到这件举报');
  });
});

describe('deadlines and overdue', () => {
  const { report } = filed();

  it('is not overdue on the last day, overdue to acknowledge the moment after', () => {
    expect(overdueStage(report, '2024-03-04T15:59:59.999Z')).toBeNull();
    expect(overdueStage(report, '2024-03-04T16:00:00.000Z')).toBe('acknowledge');
  });

  it('an acknowledged report is overdue only after the conclusion deadline; a concluded one never', () => {
    const ack = handled(report, { ack: '2024-03-06T00:00:00.000Z' });
    expect(isReportOverdue(ack, '2024-03-20T00:00:00.000Z')).toBe(false);
    expect(overdueStage(ack, '2024-04-01T00:00:00.000Z')).toBe('conclude');
    // Never acknowledged and past both deadlines: the conclusion is what is overdue.
    expect(overdueStage(report, '2024-04-01T00:00:00.000Z')).toBe('conclude');
    const done = handled(ack, { conclude: '2024-04-05T00:00:00.000Z' });
    expect(isReportOverdue(done, '2024-05-01T00:00:00.000Z')).toBe(false);
    expect(done.history.at(-1)?.details).toEqual({ onTime: false });
  });
});

describe('deadline configuration', () => {
  it('defaults to 3 and 30 days and merges overrides', () => {
    expect(resolveReportDeadlines(undefined)).toEqual({ acknowledgeDays: 3, concludeDays: 30 });
    expect(resolveReportDeadlines({ acknowledgeDays: 5 })).toEqual({ acknowledgeDays: 5, concludeDays: 30 });
  });

  it('rejects unknown keys, bad values and an acknowledgement due after the conclusion', () => {
    expect(() => resolveReportDeadlines({ acknowledgeDay: 5 })).toThrow(ReportDeadlineConfigError);
    expect(() => resolveReportDeadlines({ concludeDays: 0 })).toThrow(/concludeDays/);
    expect(() => resolveReportDeadlines({ concludeDays: 2.5 })).toThrow(/whole days/);
    expect(() => resolveReportDeadlines({ acknowledgeDays: 40 })).toThrow(/must not exceed concludeDays/);
  });
});
