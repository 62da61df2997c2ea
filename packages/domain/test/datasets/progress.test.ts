import { describe, expect, it } from 'vitest';
import { checkLateness, loadProgress } from '../../src/datasets/board.js';
import { DEFAULT_CADENCE_CONFIG, resolveCadenceConfig } from '../../src/datasets/cadence.js';
import { computeProgress, type LatenessRecord, latenessChanges } from '../../src/datasets/progress.js';
import type { LatenessRepository, VersionRepository } from '../../src/ports.js';
import type { DatasetVersion } from '../../src/versions.js';
import { version } from './fixtures.js';

const quality = (rowsRead: number, rejected: number) => ({
  rowsRead,
  accepted: rowsRead - rejected,
  rejected,
  rejectedByReason: {},
  idsRepaired: 0,
  idsLost: 0,
  unknownPrograms: [],
  warnings: [],
});

describe('progress board', () => {
  const payments = [
    version({ receivedAt: '2024-02-03T01:00:00Z', status: 'active', quality: quality(100, 10) }),
    version({ receivedAt: '2024-03-05T02:00:00Z', status: 'active', quality: quality(300, 0) }),
    version({ receivedAt: '2024-03-20T02:00:00Z', status: 'withdrawn', quality: quality(50, 50) }),
    version({ receivedAt: '2024-03-25T02:00:00Z', status: 'rejected', quality: undefined }),
  ];

  it('sums rows and errors per department and kind; the last delivery ignores withdrawn and rejected files', () => {
    const [entry] = computeProgress({
      versions: payments,
      config: DEFAULT_CADENCE_CONFIG,
      now: '2024-04-01T00:00:00Z',
    });
    expect(entry).toMatchObject({
      department: 'civil-affairs',
      kind: 'subsidy_payments',
      kindLabel: '民生资金发放明细',
      cadence: 'monthly',
      lastReceivedAt: '2024-03-05T02:00:00Z',
      lastVersionId: payments[1]?.versionId,
      versions: { total: 4, active: 2, replaced: 0, withdrawn: 1, rejected: 1 },
      rowsRead: 450,
      rowsAccepted: 390,
      rowsRejected: 60,
      errorRate: 0.1333,
      rowsActive: 390,
      nextDueAt: '2024-04-15T02:00:00.000Z',
      overdue: false,
      daysLate: null,
      overdueSince: null,
      flaggedLateAt: null,
    });
  });

  it('is overdue once the due date has passed, counting whole days late', () => {
    const [entry] = computeProgress({
      versions: payments,
      config: DEFAULT_CADENCE_CONFIG,
      now: '2024-04-20T03:00:00Z',
    });
    expect(entry).toMatchObject({ overdue: true, daysLate: 5, overdueSince: '2024-04-15T02:00:00.000Z' });
    const [onTheDay] = computeProgress({
      versions: payments,
      config: DEFAULT_CADENCE_CONFIG,
      now: '2024-04-15T02:00:00.000Z',
    });
    expect(onTheDay?.overdue).toBe(false);
  });

  it('lists expected departments that never uploaded as overdue, and never flags `none` cadences', () => {
    const config = resolveCadenceConfig({
      village_finance: { departments: ['township-431199100'] },
      notices: { cadence: 'none' },
    });
    const notices = version({ kind: 'notices', receivedAt: '2020-01-01T00:00:00Z' });
    const entries = computeProgress({ versions: [notices], config, now: '2024-04-20T00:00:00Z' });
    expect(entries.map((e) => [e.department, e.kind, e.overdue, e.expected, e.daysLate])).toEqual([
      ['civil-affairs', 'notices', false, false, null],
      ['township-431199100', 'village_finance', true, true, null],
    ]);
    expect(entries[1]).toMatchObject({ lastReceivedAt: null, nextDueAt: null, rowsRead: 0, errorRate: null });
  });

  it('orders entries by department, then kind in contract order', () => {
    const entries = computeProgress({
      versions: [
        version({ department: 'police', kind: 'household_registry' }),
        version({ department: 'civil-affairs', kind: 'subsidy_payments' }),
        version({ department: 'civil-affairs', kind: 'death_records' }),
      ],
      config: DEFAULT_CADENCE_CONFIG,
      now: '2024-03-06T00:00:00Z',
    });
    expect(entries.map((e) => `${e.department}/${e.kind}`)).toEqual([
      'civil-affairs/death_records',
      'civil-affairs/subsidy_payments',
      'police/household_registry',
    ]);
  });

  it('shows when the check flagged it, only while the record still describes the board', () => {
    const flagged: LatenessRecord = {
      department: 'civil-affairs',
      kind: 'subsidy_payments',
      dueAt: '2024-04-15T02:00:00.000Z',
      flaggedAt: '2024-04-16T00:30:00.000Z',
    };
    const [late] = computeProgress({
      versions: payments,
      lateness: [flagged],
      config: DEFAULT_CADENCE_CONFIG,
      now: '2024-04-20T00:00:00Z',
    });
    expect(late?.flaggedLateAt).toBe('2024-04-16T00:30:00.000Z');
    const fresh = version({ receivedAt: '2024-04-19T00:00:00Z' });
    const [caughtUp] = computeProgress({
      versions: [...payments, fresh],
      lateness: [flagged],
      config: DEFAULT_CADENCE_CONFIG,
      now: '2024-04-20T00:00:00Z',
    });
    expect(caughtUp).toMatchObject({ overdue: false, flaggedLateAt: null });
  });
});

describe('lateness changes', () => {
  const config = DEFAULT_CADENCE_CONFIG;
  const old = version({ receivedAt: '2024-03-05T02:00:00Z' });

  it('flags a newly overdue dataset once; a second run changes nothing', () => {
    const now = '2024-04-16T00:30:00.000Z';
    const entries = computeProgress({ versions: [old], config, now });
    const first = latenessChanges(entries, [], now);
    expect(first).toEqual([
      {
        department: 'civil-affairs',
        kind: 'subsidy_payments',
        dueAt: '2024-04-15T02:00:00.000Z',
        flaggedAt: now,
      },
    ]);
    const later = '2024-04-17T00:30:00.000Z';
    expect(
      latenessChanges(
        computeProgress({ versions: [old], lateness: first, config, now: later }),
        first,
        later,
      ),
    ).toEqual([]);
  });

  it('resolves the record when an upload arrives, and reopens it when that upload is withdrawn', () => {
    const record: LatenessRecord = {
      department: 'civil-affairs',
      kind: 'subsidy_payments',
      dueAt: '2024-04-15T02:00:00.000Z',
      flaggedAt: '2024-04-16T00:30:00.000Z',
    };
    const now = '2024-04-18T00:30:00.000Z';
    const fresh = version({ receivedAt: '2024-04-17T09:00:00Z' });
    const resolved = latenessChanges(computeProgress({ versions: [old, fresh], config, now }), [record], now);
    expect(resolved).toEqual([{ ...record, resolvedAt: now }]);

    const withdrawn = { ...fresh, status: 'withdrawn' as const };
    const then = '2024-04-19T00:30:00.000Z';
    const reopened = latenessChanges(
      computeProgress({ versions: [old, withdrawn], config, now: then }),
      resolved,
      then,
    );
    expect(reopened).toEqual([{ ...record, reopenedAt: then }]);
  });

  it('moves to a new record when the department is late again for a later due date', () => {
    const record: LatenessRecord = {
      department: 'civil-affairs',
      kind: 'subsidy_payments',
      dueAt: '2024-04-15T02:00:00.000Z',
      flaggedAt: '2024-04-16T00:30:00.000Z',
    };
    const fresh = version({ receivedAt: '2024-04-17T09:00:00Z' });
    const now = '2024-06-01T00:30:00.000Z';
    const changes = latenessChanges(computeProgress({ versions: [old, fresh], config, now }), [record], now);
    expect(changes).toEqual([
      { ...record, resolvedAt: now },
      {
        department: 'civil-affairs',
        kind: 'subsidy_payments',
        dueAt: '2024-05-27T09:00:00.000Z',
        flaggedAt: now,
      },
    ]);
  });
});

describe('board over ports', () => {
  function ports(versions: DatasetVersion[]) {
    const records = new Map<string, LatenessRecord>();
    const repo = {
      listOfKind: async (kind: string) => versions.filter((v) => v.kind === kind),
    } as unknown as VersionRepository;
    const lateness: LatenessRepository = {
      list: async () => [...records.values()],
      saveAll: async (changes) => {
        for (const r of changes) records.set(`${r.department}|${r.kind}|${r.dueAt}`, r);
      },
    };
    return { versions: repo, lateness, records };
  }

  it('checks lateness idempotently and shows the flag on the board', async () => {
    const p = ports([version({ receivedAt: '2024-03-05T02:00:00Z' }), version({ kind: 'divisions' })]);
    const now = '2024-04-16T00:30:00.000Z';
    expect(await checkLateness(p, DEFAULT_CADENCE_CONFIG, now)).toEqual({
      overdue: 1,
      flagged: 1,
      reopened: 0,
      resolved: 0,
    });
    expect(await checkLateness(p, DEFAULT_CADENCE_CONFIG, '2024-04-17T00:30:00.000Z')).toEqual({
      overdue: 1,
      flagged: 0,
      reopened: 0,
      resolved: 0,
    });
    expect(p.records.size).toBe(1);
    const board = await loadProgress(p, DEFAULT_CADENCE_CONFIG, '2024-04-17T00:30:00.000Z');
    expect(board.find((e) => e.kind === 'subsidy_payments')).toMatchObject({
      overdue: true,
      flaggedLateAt: now,
      daysLate: 1,
    });
    expect(board.find((e) => e.kind === 'divisions')?.overdue).toBe(false);
  });
});
