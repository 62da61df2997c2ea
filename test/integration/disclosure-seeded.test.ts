/**
 * The public disclosure API on the shared seeded platform (DynamoDB Local, the deployed ASL,
 * the real functions): what the demo county uploaded is disclosed exactly — every payment of
 * every month, the totals, every village's finance line items — and a walk over every public
 * route (every village, program, month and page) finds no personal data. Read-only: the
 * platform is shared.
 */
import { yuan } from '@jiandu/api';
import { financeItemView, paymentView } from '@jiandu/api/routes/disclosure';
import type { DemoCounty } from '@jiandu/demo';
import { LostIdIndex, lostId } from '@jiandu/domain/disclosure/recipients';
import {
  disclosedFinanceItem,
  disclosedPayment,
  paymentContent,
  paymentMonth,
} from '@jiandu/domain/disclosure/records';
import type { DatasetKind } from '@jiandu/domain/kinds';
import type { NormalizedRow } from '@jiandu/domain/model';
import { DivisionIndex } from '@jiandu/domain/normalize/division';
import { ingestFile } from '@jiandu/ingest';
import type { RemotePlatform } from '@jiandu/local';
import { beforeAll, describe, expect, it } from 'vitest';
import { piiIn } from '../support/pii-scan.js';
import { SEEDING_TIMEOUT_MS, seededPlatform } from '../support/seeded-platform.js';

type Row = Record<string, unknown>;
interface Page {
  readonly items: Row[];
  readonly nextCursor?: string | null;
  readonly years?: string[];
}

const sortKey = (r: Row) => JSON.stringify(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));
const sorted = (rows: Row[]) => [...rows].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));

describe('public disclosure on the seeded demo county', () => {
  let platform: RemotePlatform;
  let county: DemoCounty;
  let divisions: DivisionIndex;
  const rows = new Map<DatasetKind, NormalizedRow[]>();
  /** Every public answer the tests read, for the PII scan. */
  const answers: { path: string; text: string }[] = [];

  async function read(path: string): Promise<Page & Row> {
    const res = await fetch(`${platform.apiUrl}${path}`);
    const text = await res.text();
    expect(res.status, `${path}: ${text.slice(0, 200)}`).toBe(200);
    answers.push({ path, text });
    return JSON.parse(text) as Page & Row;
  }

  /** Every page of a list. */
  async function readAll(path: string): Promise<Row[]> {
    const items: Row[] = [];
    let cursor: string | null | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = await read(
        `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  /** The county's files of a kind as the platform reads them (same reader, same divisions). */
  async function ingestKind(kind: DatasetKind, index?: DivisionIndex): Promise<NormalizedRow[]> {
    const out: NormalizedRow[] = [];
    for (const file of county.files.filter((f) => f.kind === kind))
      await ingestFile(
        kind,
        { fileName: file.fileName, body: file.body },
        {
          accept: (r) => {
            out.push(r);
          },
          reject: () => {},
        },
        index ? { divisions: index } : {},
      );
    return out;
  }

  beforeAll(async () => {
    ({ platform, county } = await seededPlatform());
    divisions = DivisionIndex.fromRows(await ingestKind('divisions'));
    for (const kind of ['subsidy_payments', 'village_finance', 'household_registry', 'notices'] as const)
      rows.set(kind, await ingestKind(kind, divisions));
  }, SEEDING_TIMEOUT_MS);

  it('discloses exactly the uploaded payments, month by month, and totals that add up to them', async () => {
    const expected = (rows.get('subsidy_payments') ?? []).map((r) => {
      const p = paymentContent(r);
      if (!p) throw new Error(`row ${r.row} has no month`);
      return paymentView(disclosedPayment('v', p));
    });
    expect(expected.length).toBeGreaterThan(100);
    const months = [...new Set(expected.map((p) => p.period))].sort();
    const persons = new LostIdIndex();
    for (const r of rows.get('household_registry') ?? []) persons.addRegistryRow(r);
    const lost = (rows.get('subsidy_payments') ?? []).filter(lostId);
    expect(lost.length, 'the demo county has payment rows whose ID was destroyed').toBeGreaterThan(0);
    const disclosed: Row[] = [];
    for (const month of months) disclosed.push(...(await readAll(`/api/v1/public/payments?month=${month}`)));
    expect(sorted(disclosed)).toEqual(sorted(expected));

    const years = [...new Set(months.map((m) => m.slice(0, 4)))];
    for (const year of years) {
      const byMonth = await read(`/api/v1/public/totals?year=${year}&by=month`);
      const want = months
        .filter((m) => m.startsWith(year))
        .map((m) => {
          const of = expected.filter((p) => p.period === m);
          return {
            key: m,
            amount: yuan(of.reduce((s, p) => s + Math.round(p.amount * 100), 0)),
            payments: of.length,
            // Each person once: a lost ID is the registry's person of that name in that village.
            recipients: new Set(
              (rows.get('subsidy_payments') ?? [])
                .filter((r) => paymentMonth(r.values) === m)
                .map((r) => persons.recipientOf(r).key),
            ).size,
          };
        });
      expect(
        byMonth.items.map((i) => ({
          key: i.key,
          amount: i.amount,
          payments: i.payments,
          recipients: i.recipients,
        })),
      ).toEqual(want);
    }
  });

  it("discloses every village's finance line items exactly, with income and expenditure that reconcile", async () => {
    const finance = rows.get('village_finance') ?? [];
    expect(finance.length).toBeGreaterThan(10);
    const groups = new Map<string, NormalizedRow[]>();
    for (const r of finance) {
      const key = `${r.values.township}|${r.values.village}|${String(r.values.date).slice(0, 4)}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, list] of groups) {
      const [township = '', village = '', year = ''] = key.split('|');
      const code = divisions.resolveVillage(village, township).code;
      expect(code, key).toBeDefined();
      const answer = await read(`/api/v1/public/village-finance?village=${code}&year=${year}`);
      const items = list.map((r) => {
        const f = disclosedFinanceItem('v', r);
        if (!f) throw new Error(`finance row ${r.row} not disclosable`);
        return financeItemView(f);
      });
      expect(sorted(answer.items), key).toEqual(sorted(items));
      const sum = (direction: string) =>
        yuan(
          list
            .filter((r) => r.values.direction === direction)
            .reduce((s, r) => s + Number(r.values.amount), 0),
        );
      expect((answer.income as Row).total, key).toBe(sum('收入'));
      expect((answer.expenditure as Row).total, key).toBe(sum('支出'));
    }
  });

  it('shows no ID number, full name, phone or household number on any public route, village, program, month or page', async () => {
    const registry = rows.get('household_registry') ?? [];
    const names = [...new Set(registry.map((r) => String(r.values.name ?? '')).filter((n) => n.length >= 2))];
    const households = [
      ...new Set(registry.map((r) => String(r.values.household_no ?? '')).filter((h) => h.length >= 6)),
    ];
    expect(names.length).toBeGreaterThan(100);

    const places = (await read('/api/v1/public/divisions')).items as {
      code: string;
      name: string;
      level: string;
      parentCode: string;
    }[];
    const townships = places.filter((p) => p.level === 'township');
    const villages = places.filter((p) => p.level === 'village');
    expect(villages.length).toBeGreaterThan(3);
    const programs = await read('/api/v1/public/programs');
    const codes = programs.items
      .filter((p) => p.published && Number(p.payments) > 0)
      .map((p) => String(p.code));
    const months = [
      ...new Set(
        (rows.get('subsidy_payments') ?? [])
          .map((r) => paymentMonth(r.values))
          .filter((m): m is string => !!m),
      ),
    ];
    const financeYears = [
      ...new Set((rows.get('village_finance') ?? []).map((r) => String(r.values.date).slice(0, 4))),
    ];

    for (const year of programs.years ?? []) {
      await read(`/api/v1/public/programs?year=${year}`);
      for (const by of ['month', 'township', 'village', 'program'])
        for (const program of ['', ...codes]) {
          const p = program ? `&program=${program}` : '';
          await read(`/api/v1/public/totals?year=${year}&by=${by}${p}`);
          for (const t of townships)
            await read(`/api/v1/public/totals?year=${year}&by=${by}${p}&township=${t.code}`);
          for (const v of villages)
            await read(`/api/v1/public/totals?year=${year}&by=${by}${p}&village=${v.code}`);
        }
    }
    for (const month of months) {
      for (const program of ['', ...codes])
        await readAll(`/api/v1/public/payments?month=${month}${program ? `&program=${program}` : ''}`);
      for (const v of villages) await readAll(`/api/v1/public/payments?month=${month}&village=${v.code}`);
    }
    await readAll('/api/v1/public/poverty');
    await readAll('/api/v1/public/projects');
    // The walk reads notices too: every notice of the demo's registers, each village's own among them.
    const notices = await readAll('/api/v1/public/notices');
    const uploadedNotices = rows.get('notices') ?? [];
    expect(uploadedNotices.length).toBeGreaterThan(villages.length);
    expect(notices).toHaveLength(uploadedNotices.length);
    let villageNotices = 0;
    for (const v of villages) {
      villageNotices += (await readAll(`/api/v1/public/notices?village=${v.code}`)).length;
      await readAll(`/api/v1/public/poverty?village=${v.code}`);
      await readAll(`/api/v1/public/projects?village=${v.code}`);
      for (const year of financeYears)
        await read(`/api/v1/public/village-finance?village=${v.code}&year=${year}`);
    }

    expect(villageNotices).toBe(uploadedNotices.filter((r) => r.values.village).length);
    expect(answers.length).toBeGreaterThan(200);
    const found: string[] = [];
    for (const { path, text } of answers) {
      for (const hit of piiIn(text, { names, receiptCodes: [] })) found.push(`${path}: ${hit}`);
      if (/(?<!\d)\d{15}(?!\d)/.test(text)) found.push(`${path}: 15-digit number`);
      for (const h of households) if (text.includes(h)) found.push(`${path}: household ${h}`);
    }
    expect(found.slice(0, 20)).toEqual([]);
  }, 600_000);
});
