import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { reconcileLead } from '../../src/leads/lifecycle.js';
import {
  createdBoundsUtc,
  matchesLeadFilter,
  pageLeads,
  resolveDefaultView,
  sameSubject,
} from '../../src/leads/query.js';
import { scoreFindings } from '../../src/leads/score.js';
import type { Lead } from '../../src/model.js';
import { finding, PERSON, SCORING } from './findings.js';

function lead(id: string, overrides: Partial<Lead> = {}): Lead {
  const scored = scoreFindings([finding()], SCORING)[0];
  if (!scored) throw new Error('no finding');
  return {
    ...reconcileLead(undefined, scored, { runId: 'r', now: '2024-01-01T00:00:00.000Z' }).lead,
    leadId: id,
    ...overrides,
  };
}

describe('lead filters', () => {
  it('applies the default view: no superseded, no low scores, unless asked', () => {
    const view = resolveDefaultView({}, { minScore: 20 });
    expect(matchesLeadFilter(lead('a', { score: 19 }), view)).toBe(false);
    expect(matchesLeadFilter(lead('a', { score: 20 }), view)).toBe(true);
    expect(matchesLeadFilter(lead('a', { status: 'superseded' }), view)).toBe(false);
    const all = resolveDefaultView({ minScore: 0 }, { minScore: 20, includeSuperseded: true });
    expect(matchesLeadFilter(lead('a', { score: 1, status: 'superseded' }), all)).toBe(true);
    const explicit = resolveDefaultView({ statuses: ['superseded'] }, { minScore: 20 });
    expect(matchesLeadFilter(lead('a', { status: 'superseded' }), explicit)).toBe(true);
  });

  it('filters by every field', () => {
    const l = lead('a', {
      score: 50,
      amount: 10_000,
      assignee: 'u-a',
      assignment: {
        kind: 'person',
        assignee: 'u-a',
        deadline: '2024-02-01',
        assignedBy: 'u-i',
        assignedAt: 'x',
      },
      overdue: true,
      createdAt: '2024-01-31T16:30:00.000Z', // 1 Feb in Beijing
    });
    const yes = [
      { rule: 'R01' },
      { township: '灰山港镇', village: '石门村' },
      { assignee: 'u-a', assignedBy: 'u-i' },
      { minScore: 50, maxScore: 50, minAmount: 10_000, maxAmount: 10_000 },
      { createdFrom: '2024-02-01', createdTo: '2024-02-01' },
      { overdue: true, idNumber: PERSON },
    ];
    const no = [
      { rule: 'R06' },
      { village: '别的村' },
      { assignedBy: 'u-other' },
      { minScore: 51 },
      { maxAmount: 9_999 },
      { createdTo: '2024-01-31' },
      { overdue: false },
      { statuses: ['confirmed' as const] },
    ];
    for (const f of yes) expect(matchesLeadFilter(l, f), JSON.stringify(f)).toBe(true);
    for (const f of no) expect(matchesLeadFilter(l, f), JSON.stringify(f)).toBe(false);
  });

  it('turns CST day bounds into UTC instants for index ranges', () => {
    expect(createdBoundsUtc({ createdFrom: '2024-02-01', createdTo: '2024-02-29' })).toEqual({
      from: '2024-01-31T16:00:00.000Z',
      before: '2024-02-29T16:00:00.000Z',
    });
  });
});

describe('pageLeads', () => {
  const leads = [
    lead('R01-a', { score: 50, amount: 300, createdAt: '2024-01-03T00:00:00.000Z' }),
    lead('R01-b', { score: 90, amount: 100, createdAt: '2024-01-01T00:00:00.000Z' }),
    lead('R01-c', { score: 50, amount: 200, createdAt: '2024-01-02T00:00:00.000Z' }),
    lead('R01-d', { score: 10, amount: 400, createdAt: '2024-01-04T00:00:00.000Z' }),
  ];
  const ids = (p: { items: Lead[] }) => p.items.map((l) => l.leadId);

  it('sorts by score, amount or date, either way, ties by id', () => {
    expect(ids(pageLeads(leads, {}))).toEqual(['R01-d', 'R01-a', 'R01-c', 'R01-b']);
    expect(ids(pageLeads(leads, { sort: 'score' }))).toEqual(['R01-b', 'R01-c', 'R01-a', 'R01-d']);
    expect(ids(pageLeads(leads, { sort: 'amount', order: 'asc' }))).toEqual([
      'R01-b',
      'R01-c',
      'R01-a',
      'R01-d',
    ]);
  });

  it('pages with a keyset cursor that survives leads being added between pages', () => {
    const first = pageLeads(leads, { sort: 'score', limit: 2 });
    expect(ids(first)).toEqual(['R01-b', 'R01-c']);
    // A new lead with a high score arrives: it doesn't shift the next page.
    const grown = [...leads, lead('R01-e', { score: 99 })];
    const second = pageLeads(grown, { sort: 'score', limit: 2, cursor: first.cursor as string });
    expect(ids(second)).toEqual(['R01-a', 'R01-d']);
    expect(second.cursor).toBeUndefined();
  });

  it('refuses a cursor from another sort or a forged one', () => {
    const first = pageLeads(leads, { sort: 'score', limit: 1 });
    expect(() => pageLeads(leads, { sort: 'amount', cursor: first.cursor as string })).toThrow(
      ValidationError,
    );
    expect(() => pageLeads(leads, { cursor: 'not-a-cursor' })).toThrow(ValidationError);
  });
});

describe('sameSubject', () => {
  it('matches by ID number, else by name and village', () => {
    const a = lead('R01-a');
    expect(sameSubject(a, lead('R06-b', { rule: 'R06' }))).toBe(true);
    expect(sameSubject(a, a)).toBe(false);
    expect(sameSubject(a, lead('R06-c', { idNumber: '110101199003077777' }))).toBe(false);
    const { idNumber: _a, ...noIdA } = lead('R08-x', { match: 'name_village' });
    const { idNumber: _b, ...noIdB } = lead('R08-y', { match: 'name_village' });
    expect(sameSubject(noIdA as Lead, noIdB as Lead)).toBe(true);
    expect(sameSubject(noIdA as Lead, { ...noIdB, village: '别的村' } as Lead)).toBe(false);
  });
});
