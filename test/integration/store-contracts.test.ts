/**
 * One contract per storage port, run against the in-memory twins (`@jiandu/store/memory`,
 * which the fast tests use) and the adapters on one DynamoDB Local (a fresh table per test)
 * and one s3rver. Whatever a fast test relies on holds for the deployed store too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, type AuditQuery, matchesAuditQuery } from '@jiandu/domain/audit';
import type { PendingCollisionRepository } from '@jiandu/domain/collision-burst';
import { type ColumnMappingRepository, mergeColumnMapping } from '@jiandu/domain/datasets/column-mappings';
import type { UploadRequest } from '@jiandu/domain/datasets/corrections';
import type { LatenessRecord } from '@jiandu/domain/datasets/progress';
import { type LeadFilter, matchesLeadFilter, type PageRequest, sortLeads } from '@jiandu/domain/leads/query';
import type { CorrectionTask } from '@jiandu/domain/leads/workflow';
import type { LeaseStore } from '@jiandu/domain/leases';
import type { Lead, LeadStatus } from '@jiandu/domain/model';
import {
  type AuditLog,
  type CorrectionTaskRepository,
  type LatenessRepository,
  type LeadRepository,
  ObjectChangedError,
  type ObjectStore,
  type Page,
  type ReportRepository,
  RevisionConflictError,
  type RunRepository,
  type VersionRepository,
} from '@jiandu/domain/ports';
import { DEFAULT_REPORT_DEADLINES } from '@jiandu/domain/reports/config';
import { fileReport, type Report } from '@jiandu/domain/reports/report';
import { countInScoreRange, emptyTally, leadStatistics } from '@jiandu/domain/stats';
import type { CollisionRun, DatasetVersion } from '@jiandu/domain/versions';
import {
  createDynamoDbClient,
  type DynamoDbLocal,
  ensureTable,
  startDynamoDbLocal,
} from '@jiandu/local/dynamodb';
import { freePort } from '@jiandu/local/ports';
import { createS3Client, type LocalS3, startS3rver } from '@jiandu/local/s3';
import {
  DynamoAuditLog,
  DynamoColumnMappingRepository,
  DynamoCorrectionTaskRepository,
  DynamoLatenessRepository,
  DynamoLeadRepository,
  DynamoLeases,
  DynamoPendingCollisions,
  DynamoReportRepository,
  DynamoRunRepository,
  DynamoVersionRepository,
  documentClientOf,
  InvalidCursorError,
  keys,
  S3ObjectStore,
} from '@jiandu/store';
import {
  MemoryAuditLog,
  MemoryColumnMappings,
  MemoryCorrectionTasks,
  MemoryLateness,
  MemoryLeads,
  MemoryLeases,
  MemoryObjects,
  MemoryPendingCollisions,
  MemoryReports,
  MemoryRuns,
  MemoryVersions,
} from '@jiandu/store/memory';
import { AUDIT_TABLE_SHAPE } from '@jiandu/store/table';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleLead } from '../support/leads.js';
import { TEST_KEYS } from '../support/trust.js';

interface Stores {
  readonly versions: VersionRepository;
  readonly leads: LeadRepository;
  readonly runs: RunRepository;
  readonly corrections: CorrectionTaskRepository;
  readonly audit: AuditLog;
  readonly reports: ReportRepository;
  readonly lateness: LatenessRepository;
  readonly columnMappings: ColumnMappingRepository;
  readonly objects: ObjectStore;
  readonly pending: PendingCollisionRepository;
  readonly leases: LeaseStore;
  /** DynamoDB only: appends an entry where audit entries lived before the audit table (the platform table). */
  readonly appendLegacyAudit?: (entry: AuditEntry) => Promise<void>;
  /** DynamoDB only: puts a lead item as versions before 2026-12 wrote it (its evidence, history and other lists as lists). */
  readonly putLegacyLead?: (lead: Lead) => Promise<void>;
}

/** The one bucket of the object-store contract (each test writes under its own prefix). */
const BUCKET = 'contract-bucket';

interface Implementation {
  readonly name: string;
  /**
   * Whether a GET with a stale `If-Match` fails, as on S3. s3rver ignores the header
   * (jamhall/s3rver#440), so locally that check rests on S3 and the in-memory store.
   */
  readonly checksIfMatch: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Empty stores, sharing nothing with the previous test. */
  fresh(): Promise<Stores>;
}

const memory: Implementation = {
  name: 'in-memory',
  checksIfMatch: true,
  start: async () => undefined,
  stop: async () => undefined,
  fresh: async () => ({
    versions: new MemoryVersions(),
    leads: new MemoryLeads(),
    runs: new MemoryRuns(),
    corrections: new MemoryCorrectionTasks(),
    audit: new MemoryAuditLog(),
    reports: new MemoryReports(),
    lateness: new MemoryLateness(),
    columnMappings: new MemoryColumnMappings(),
    objects: new MemoryObjects(),
    pending: new MemoryPendingCollisions(),
    leases: new MemoryLeases(),
  }),
};

const dynamodb = ((): Implementation => {
  let local: DynamoDbLocal | undefined;
  let s3: LocalS3 | undefined;
  let client: DynamoDBClient | undefined;
  let objects: ObjectStore | undefined;
  let dir: string | undefined;
  let tables = 0;
  return {
    name: 'DynamoDB Local and s3rver',
    checksIfMatch: false,
    async start() {
      dir = mkdtempSync(join(tmpdir(), 'jiandu-contract-'));
      [local, s3] = await Promise.all([
        startDynamoDbLocal({ dbPath: join(dir, 'dynamodb'), port: await freePort() }),
        startS3rver({ directory: join(dir, 's3'), port: await freePort(), buckets: [BUCKET] }),
      ]);
      client = createDynamoDbClient(local.endpoint);
      objects = new S3ObjectStore(createS3Client(s3.endpoint));
    },
    async stop() {
      client?.destroy();
      await Promise.all([local?.stop(), s3?.stop()]);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    async fresh() {
      if (!client || !objects) throw new Error('DynamoDB Local and s3rver are not running');
      const table = `contract-${++tables}`;
      const auditTable = `${table}-audit`;
      await ensureTable(client, table);
      await ensureTable(client, auditTable, AUDIT_TABLE_SHAPE);
      const doc = documentClientOf(client);
      return {
        versions: new DynamoVersionRepository(doc, table),
        leads: new DynamoLeadRepository(doc, table),
        runs: new DynamoRunRepository(doc, table),
        corrections: new DynamoCorrectionTaskRepository(doc, table),
        audit: new DynamoAuditLog(doc, auditTable, table),
        appendLegacyAudit: (e) => new DynamoAuditLog(doc, table).append(e),
        putLegacyLead: async (l) => {
          await doc.send(
            new PutCommand({
              TableName: table,
              Item: { ...keys.lead(l.leadId), ...keys.leadIndexes(l), ...l },
            }),
          );
        },
        reports: new DynamoReportRepository(doc, table),
        lateness: new DynamoLatenessRepository(doc, table),
        columnMappings: new DynamoColumnMappingRepository(doc, table),
        objects,
        pending: new DynamoPendingCollisions(doc, table),
        leases: new DynamoLeases(doc, table),
      };
    },
  };
})();

// ── Fixtures ─────────────────────────────────────────────────────────────────────────────

function version(overrides: Partial<DatasetVersion> = {}): DatasetVersion {
  return {
    versionId: 'v-1',
    department: 'civil-affairs',
    kind: 'subsidy_payments',
    fileName: '2024年1月低保发放.csv',
    rawBucket: 'uploads-bucket',
    rawKey: 'uploads/civil-affairs/subsidy_payments/2024年1月低保发放.csv',
    fileHash: 'ab'.repeat(32),
    size: 2048,
    receivedAt: '2024-02-01T02:00:00Z',
    registeredAt: '2024-02-01T02:00:03.000Z',
    status: 'active',
    shardRows: [3, 0, 2],
    coverage: ['DIBAO_RURAL|2024-01'],
    history: [{ at: '2024-02-01T02:00:03.000Z', action: 'registered', by: 'civil-affairs' }],
    ...overrides,
  };
}

function lead(n: number, overrides: Partial<Lead> = {}): Lead {
  const id = `R01-${String(n).padStart(20, '0')}`;
  return sampleLead(
    {
      leadId: id,
      idNumber: `43119919800101${String(n).padStart(4, '0')}`,
      deathVersionId: 'v-d',
      paymentVersionId: 'v-p',
    },
    overrides,
  );
}

function run(runId: string, startedAt: string): CollisionRun {
  return { runId, trigger: 'Object Created', startedAt, status: 'succeeded', rules: ['R01'], versions: 2 };
}

function task(taskId: string, department: string, createdAt: string): CorrectionTask {
  return {
    taskId,
    leadId: 'R01-1',
    rule: 'R01',
    department,
    kind: 'death_records',
    versionId: 'v-d',
    fileName: '死亡名单.csv',
    rows: [{ row: 3 }],
    note: '死亡日期录入错误',
    createdBy: 'u-inspector',
    createdAt,
    status: 'open',
  };
}

function entry(at: string, actor: string, action: AuditEntry['action'], n = 0): AuditEntry {
  return {
    auditId: `${at}#${String(n).padStart(4, '0')}`,
    at,
    actor,
    roles: ['inspector'],
    action,
    target: { leadId: `R01-${n}` },
    sourceIp: '10.0.0.1',
  };
}

let reportIds = 0;
let tests = 0;
function report(office: string | null, assistedBy?: string): Report {
  const id = ++reportIds;
  return fileReport(
    {
      category: 'subsidy',
      content: '村里有人冒领低保，已经去世两年了还在领。',
      reporter: { anonymous: true },
    },
    {
      now: `2024-03-0${(id % 9) + 1}T08:00:00.000Z`,
      deadlines: DEFAULT_REPORT_DEADLINES,
      routing: { office, ...(office ? { township: office } : {}) },
      ...(assistedBy ? { assistedBy: { subject: assistedBy } } : {}),
      newId: () => `RP-${String(id).padStart(24, '0')}`,
      receiptKey: TEST_KEYS.receipts,
    },
  ).report;
}

/** Every page of a paged query, in order. */
async function allPages<T>(read: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items;
}

const ids = (leads: Iterable<Lead>) => [...leads].map((l) => l.leadId).sort();

// ── The contracts ────────────────────────────────────────────────────────────────────────

describe.each([memory, dynamodb])('storage ports on $name', (impl) => {
  let s: Stores;
  beforeAll(() => impl.start());
  afterAll(() => impl.stop());
  let prefix = '';
  beforeEach(async () => {
    s = await impl.fresh();
    prefix = `t${++tests}/`;
  });

  describe('VersionRepository', () => {
    it('creates a version once and never overwrites it', async () => {
      expect(await s.versions.create(version())).toBe(true);
      expect(await s.versions.create(version({ fileName: 'other.csv' }))).toBe(false);
      expect(await s.versions.get('v-1')).toEqual(version());
      expect(await s.versions.get('v-missing')).toBeUndefined();
    });

    it('saves a change only over the revision it was read at, and bumps it', async () => {
      await s.versions.create(version());
      const read = (await s.versions.get('v-1')) as DatasetVersion;
      const noted = await s.versions.save({ ...read, statusReason: '申请替换' });
      expect(noted.revision).toBe(1);
      expect(await s.versions.get('v-1')).toEqual(noted);
      const withdrawn = await s.versions.save({ ...noted, status: 'withdrawn' });
      expect(withdrawn.revision).toBe(2);
      // A writer still holding revision 1 (or the never-changed original) loses.
      await expect(s.versions.save({ ...noted, status: 'replaced' })).rejects.toThrow(RevisionConflictError);
      await expect(s.versions.save({ ...read, status: 'replaced' })).rejects.toThrow(RevisionConflictError);
      expect((await s.versions.get('v-1'))?.status).toBe('withdrawn');
    });

    it('lets exactly one of a simultaneous withdrawal and replacement win', async () => {
      await s.versions.create(version());
      const read = (await s.versions.get('v-1')) as DatasetVersion;
      const outcomes = await Promise.allSettled([
        s.versions.save({ ...read, status: 'withdrawn', statusReason: '名单有误' }),
        s.versions.save({ ...read, status: 'replaced', replacedBy: 'v-2' }),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o) => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const conflict = (lost[0] as PromiseRejectedResult).reason as RevisionConflictError;
      expect(conflict).toBeInstanceOf(RevisionConflictError);
      expect(conflict).toMatchObject({ id: 'v-1', what: 'Version' });
      expect(await s.versions.get('v-1')).toEqual((won[0] as PromiseFulfilledResult<DatasetVersion>).value);
    });

    it('refuses to save a version that was never created', async () => {
      await expect(s.versions.save(version())).rejects.toThrow(RevisionConflictError);
      expect(await s.versions.get('v-1')).toBeUndefined();
    });

    it("lists a department's versions of a kind, and all of a kind, oldest first", async () => {
      const v = (
        id: string,
        department: string,
        receivedAt: string,
        kind: DatasetVersion['kind'] = 'subsidy_payments',
      ) => version({ versionId: id, department, receivedAt, kind });
      for (const x of [
        v('v-c', 'civil-affairs', '2024-03-01T00:00:00Z'),
        v('v-a', 'civil-affairs', '2024-01-01T00:00:00Z'),
        v('v-b', 'township-431199100', '2024-02-01T00:00:00Z'),
        v('v-e', 'civil-affairs', '2024-01-01T00:00:00Z'),
        v('v-d', 'police', '2024-01-15T00:00:00Z', 'death_records'),
      ])
        await s.versions.create(x);
      const order = (list: DatasetVersion[]) => list.map((x) => x.versionId);
      expect(order(await s.versions.listOfDataset('civil-affairs', 'subsidy_payments'))).toEqual([
        'v-a',
        'v-e',
        'v-c',
      ]);
      expect(order(await s.versions.listOfKind('subsidy_payments'))).toEqual(['v-a', 'v-e', 'v-b', 'v-c']);
      expect(await s.versions.listOfDataset('police', 'subsidy_payments')).toEqual([]);
    });

    it('keeps every upload request and finds the newest one at or before a time', async () => {
      const key = 'uploads/civil-affairs/subsidy_payments/二月.csv';
      const request = (requestId: string, requestedAt: string): UploadRequest => ({
        key,
        requestId,
        department: 'civil-affairs',
        kind: 'subsidy_payments',
        fileName: '二月.csv',
        requestedBy: 'u-civil',
        requestedAt,
        expiresAt: '2024-03-01T09:15:00.000Z',
        replaces: 'v-1',
      });
      await s.versions.recordUploadRequest(request('r-1', '2024-03-01T08:00:00.000Z'));
      await s.versions.recordUploadRequest(request('r-2', '2024-03-01T09:00:00.000Z'));
      await expect(
        s.versions.recordUploadRequest(request('r-1', '2024-03-01T08:00:00.000Z')),
      ).rejects.toThrow();
      expect(await s.versions.latestUploadRequest(key, '2024-03-01T08:30:00.000Z')).toEqual(
        request('r-1', '2024-03-01T08:00:00.000Z'),
      );
      expect(await s.versions.latestUploadRequest(key, '2024-03-01T09:00:00.000Z')).toEqual(
        request('r-2', '2024-03-01T09:00:00.000Z'),
      );
      expect(await s.versions.latestUploadRequest(key, '2024-03-01T07:59:59.999Z')).toBeUndefined();
      expect(await s.versions.latestUploadRequest(`${key}x`, '2024-03-02T00:00:00.000Z')).toBeUndefined();
    });
  });

  describe('LeadRepository', () => {
    it('creates with revision 0 and updates only over the stored revision', async () => {
      await s.leads.put(lead(1), 0);
      await expect(s.leads.put(lead(1), 0)).rejects.toThrow(RevisionConflictError);
      await s.leads.put(lead(1, { status: 'assigned', revision: 2 }), 1);
      await expect(s.leads.put(lead(1, { status: 'dismissed', revision: 2 }), 1)).rejects.toMatchObject({
        id: lead(1).leadId,
        what: 'Lead',
      });
      expect(await s.leads.get(lead(1).leadId)).toEqual(lead(1, { status: 'assigned', revision: 2 }));
      expect(await s.leads.get('R01-missing')).toBeUndefined();
    });

    it.runIf(impl.name !== 'in-memory')(
      'reads a lead stored with its evidence, history and other lists as lists (before they were strings) as it was, and updates it',
      async () => {
        const put = s.putLegacyLead;
        if (!put) throw new Error('no legacy lead items');
        const old = lead(7, {
          rule: 'R06',
          subjectParts: [{ person: '张三' }, ' · 农村最低生活保障'],
          history: [
            { at: '2024-03-02T00:00:00.000Z', by: 'u-a', action: 'assign', from: 'new', to: 'assigned' },
          ],
        });
        await put(old);
        expect(await s.leads.get(old.leadId)).toEqual(old);
        expect((await s.leads.getMany([old.leadId])).get(old.leadId)).toEqual(old);
        expect(await s.leads.listOfRule('R06')).toEqual([old]);
        expect(await s.leads.scan({ rule: 'R06' })).toEqual([old]);
        await s.leads.put({ ...old, status: 'assigned', revision: old.revision + 1 }, old.revision);
        expect(await s.leads.get(old.leadId)).toEqual({
          ...old,
          status: 'assigned',
          revision: old.revision + 1,
        });
      },
    );

    it('reads many leads at once, past one batch, ignoring repeats and missing ids', async () => {
      const stored = Array.from({ length: 101 }, (_, i) => lead(i));
      for (const l of stored) await s.leads.put(l, 0);
      const asked = [...stored.map((l) => l.leadId), stored[5]?.leadId as string, 'R01-missing'];
      const found = await s.leads.getMany(asked);
      expect(ids(found.values())).toEqual(ids(stored));
      expect(found.get(stored[100]?.leadId as string)).toEqual(stored[100]);
      expect((await s.leads.getMany([])).size).toBe(0);
    });

    it("lists a rule's leads and scans exactly what the domain filter matches", async () => {
      const statuses: LeadStatus[] = ['new', 'assigned', 'verifying', 'dismissed'];
      const stored = Array.from({ length: 24 }, (_, i) =>
        lead(i, {
          rule: i % 3 === 0 ? 'R06' : 'R01',
          township: i % 2 === 0 ? '青山镇' : '石门乡',
          village: i % 4 < 2 ? '红星村' : '白沙村',
          status: statuses[i % 4] as LeadStatus,
          ...(i % 4 === 1 ? { assignee: `u-officer-${i % 3}` } : {}),
          score: i * 4,
          amount: 10_000 * (i + 1),
          // 2024-01-01 … 2024-01-06 in UTC; some late in the day (already the next day in China).
          createdAt: `2024-01-0${(i % 6) + 1}T${i % 5 === 0 ? '17' : '03'}:00:00.000Z`,
        }),
      );
      for (const l of stored) await s.leads.put(l, 0);
      // What a collision run does first: the kept sums then hold every lead.
      await s.leads.ensureStatistics();
      expect(ids(await s.leads.listOfRule('R06'))).toEqual(ids(stored.filter((l) => l.rule === 'R06')));
      const filters: LeadFilter[] = [
        {},
        { rule: 'R01' },
        { township: '青山镇', statuses: ['new', 'verifying'] },
        { village: '白沙村', minScore: 20, maxScore: 60 },
        { minAmount: 50_000, maxAmount: 150_000, statuses: ['assigned'] },
        { assignee: 'u-officer-1' },
        { createdFrom: '2024-01-02', createdTo: '2024-01-04' },
        { createdFrom: '2024-01-05' },
        { createdTo: '2024-01-02', township: '石门乡' },
        { rule: 'R06', createdFrom: '2024-01-03' },
        { idNumber: stored[7]?.idNumber as string },
        { statuses: ['confirmed'] },
        // The default view, and a score range on the bands' edges: the kept sums answer both.
        { statuses: ['new', 'assigned', 'verifying', 'confirmed', 'dismissed'], minScore: 20 },
        { rule: 'R06', minScore: 40, maxScore: 79 },
      ];
      for (const filter of filters) {
        const expected = ids(stored.filter((l) => matchesLeadFilter(l, filter)));
        expect({ filter, found: ids(await s.leads.scan(filter)) }).toEqual({ filter, found: expected });
      }
      // Page by page, in every order, exactly the sorted matches. The total, when given, is
      // exact; it must be given when the kept sums answer the filter, or one page holds every match.
      const SUMS_KEEP = ['rule', 'township', 'createdFrom', 'createdTo', 'statuses', 'minScore', 'maxScore'];
      const bySums = (f: LeadFilter) =>
        Object.keys(f).every((k) => SUMS_KEEP.includes(k)) &&
        countInScoreRange(emptyTally(), [], f.minScore, f.maxScore) !== undefined;
      const flagged = stored.map((l, i) =>
        i % 5 === 1
          ? {
              ...l,
              overdue: true,
              assignment: {
                kind: 'person',
                assignee: 'u-x',
                deadline: '2024-02-01',
                assignedBy: 'u-boss',
                assignedAt: l.createdAt,
              },
              revision: l.revision + 1,
            }
          : l,
      ) as Lead[];
      for (const [i, l] of flagged.entries()) if (l !== stored[i]) await s.leads.put(l, l.revision - 1);
      const requests: PageRequest[] = [
        {},
        { order: 'asc' },
        { sort: 'score' },
        { sort: 'amount', order: 'asc' },
      ];
      for (const filter of [...filters, { overdue: true }, { overdue: false }, { assignedBy: 'u-boss' }]) {
        const matching = flagged.filter((l) => matchesLeadFilter(l, filter));
        for (const request of requests) {
          const pages: string[] = [];
          let cursor: string | undefined;
          for (let n = 0; n < 10; n++) {
            const page = await s.leads.page(filter, { ...request, limit: 4, ...(cursor ? { cursor } : {}) });
            if (page.total !== undefined || bySums(filter) || (n === 0 && !page.cursor))
              expect({ filter, request, n, total: page.total }).toEqual({
                filter,
                request,
                n,
                total: matching.length,
              });
            pages.push(...page.items.map((l) => l.leadId));
            cursor = page.cursor;
            if (!cursor) break;
          }
          const expected = sortLeads(matching, request.sort, request.order).map((l) => l.leadId);
          expect({ filter, request, pages }).toEqual({ filter, request, pages: expected });
        }
      }
    });
  });

  describe('LeadRepository bulk writes and statistics', () => {
    /** A mix of rules, townships (one without), days and statuses, verdicts included. */
    function mixed(count: number, from = 0): Lead[] {
      const statuses: LeadStatus[] = ['new', 'assigned', 'verifying', 'confirmed', 'dismissed', 'superseded'];
      return Array.from({ length: count }, (_, k) => {
        const i = from + k;
        const status = statuses[i % 6] as LeadStatus;
        return lead(i, {
          rule: (['R01', 'R04', 'R06'] as const)[i % 3],
          ...(i % 7 === 0 ? { township: undefined } : { township: i % 2 === 0 ? '青山镇' : '石门乡' }),
          status,
          amount: 1_000 * (i + 1),
          createdAt: `2024-01-0${(i % 4) + 1}T${i % 5 === 0 ? '17' : '03'}:00:00.000Z`,
          ...(status === 'assigned' && i % 4 === 0 ? { overdue: true } : {}),
          ...(status === 'confirmed'
            ? {
                verdict: {
                  verifiedAmount: 500 * i,
                  recoveredAmount: 100 * i,
                  dispositions: { partyDiscipline: i % 2, admonition: 1, criticism: 0 },
                  note: '核实',
                  decidedBy: 'u-a',
                  decidedAt: '2024-02-01T00:00:00.000Z',
                },
              }
            : {}),
          ...(status === 'dismissed'
            ? {
                dismissal: {
                  reason: i % 4 === 0 ? 'no_violation' : 'source_data_wrong',
                  note: '不实',
                  decidedBy: 'u-a',
                  decidedAt: '2024-02-01T00:00:00.000Z',
                },
              }
            : {}),
        });
      });
    }

    it('writes past one transaction, skipping exactly the leads changed meanwhile', async () => {
      const first = mixed(230);
      expect(await s.leads.putMany(first.map((next) => ({ next, previous: undefined })))).toEqual([]);
      expect(ids((await s.leads.getMany(first.map((l) => l.leadId))).values())).toEqual(ids(first));
      // An inspector changed two leads after the run read them: their writes must fail, the rest go through.
      const edited = [first[3], first[150]] as Lead[];
      for (const l of edited)
        await s.leads.put({ ...l, assignee: 'u-inspector', revision: l.revision + 1 }, l.revision);
      const rescored = first.map((previous) => ({
        previous,
        next: { ...previous, score: previous.score + 1, revision: previous.revision + 1 },
      }));
      expect((await s.leads.putMany(rescored)).sort()).toEqual(ids(edited));
      for (const l of edited)
        expect(await s.leads.get(l.leadId)).toMatchObject({ assignee: 'u-inspector', score: l.score });
      expect((await s.leads.get(first[4]?.leadId as string))?.score).toBe((first[4]?.score ?? 0) + 1);
      // A create over an existing lead is a conflict too.
      expect(await s.leads.putMany([{ next: first[0] as Lead, previous: undefined }])).toEqual([
        first[0]?.leadId,
      ]);
    });

    it('answers the statistics of what was written, however it was written', async () => {
      const all = mixed(140);
      await s.leads.putMany(all.slice(0, 120).map((next) => ({ next, previous: undefined })));
      for (const l of all.slice(120)) await s.leads.put(l, 0);
      // Work moves leads between statuses, and a rescore supersedes some.
      const stored = new Map(all.map((l) => [l.leadId, l]));
      const change = (l: Lead, patch: Partial<Lead>) => {
        const next = { ...l, ...patch, revision: l.revision + 1 };
        stored.set(l.leadId, next);
        return { previous: l, next };
      };
      await s.leads.putMany(all.slice(0, 30).map((l) => change(l, { status: 'superseded' })));
      const worked = stored.get(all[40]?.leadId as string) as Lead;
      await s.leads.put(
        change(worked, {
          status: 'dismissed',
          dismissal: {
            reason: 'duplicate',
            note: '重复',
            decidedBy: 'u',
            decidedAt: '2024-02-02T00:00:00.000Z',
          },
        }).next,
        worked.revision,
      );
      const moved = stored.get(all[50]?.leadId as string) as Lead;
      const movedTo = { ...moved, leadId: 'R01-moved', revision: moved.revision + 1 };
      await s.leads.move(moved, movedTo);
      stored.delete(moved.leadId);
      stored.set(movedTo.leadId, movedTo);

      const scopes = [
        {},
        { rule: 'R04' },
        { township: '青山镇' },
        { township: '石门乡', rule: 'R01' },
        { createdFrom: '2024-01-02', createdTo: '2024-01-03' },
        { createdTo: '2024-01-01' },
        { createdFrom: '2024-01-04', township: '青山镇' },
        { rule: 'R99' },
      ];
      const check = async () => {
        for (const scope of scopes) {
          const expected = leadStatistics([...stored.values()].filter((l) => matchesLeadFilter(l, scope)));
          expect({ scope, stats: await s.leads.statistics(scope) }).toEqual({ scope, stats: expected });
        }
      };
      await check();
      // Counting every lead again (what a store written before the sums existed gets once) agrees.
      await s.leads.ensureStatistics();
      await check();
    });
  });

  describe('RunRepository', () => {
    it('saves runs, replaces a run by id and lists the newest first', async () => {
      await s.runs.save(run('run-b', '2024-01-01T00:00:00.000Z'));
      await s.runs.save(run('run-a', '2024-01-02T00:00:00.000Z'));
      await s.runs.save(run('run-c', '2024-01-02T00:00:00.000Z'));
      await s.runs.save({ ...run('run-b', '2024-01-01T00:00:00.000Z'), findings: 7 });
      expect(await s.runs.get('run-b')).toMatchObject({ findings: 7 });
      expect(await s.runs.get('run-x')).toBeUndefined();
      expect((await s.runs.list(10)).map((r) => r.runId)).toEqual(['run-c', 'run-a', 'run-b']);
      expect((await s.runs.list(1)).map((r) => r.runId)).toEqual(['run-c']);
    });
  });

  describe('CorrectionTaskRepository', () => {
    it('creates a task once and pages tasks newest first, all or of one department', async () => {
      const tasks = Array.from({ length: 7 }, (_, i) =>
        task(`t-${i}`, i % 2 ? 'police' : 'civil-affairs', `2024-04-0${i + 1}T00:00:00.000Z`),
      );
      for (const t of tasks) expect(await s.corrections.create(t)).toBe(true);
      expect(await s.corrections.create({ ...task('t-0', 'police', '2024-05-01T00:00:00.000Z') })).toBe(
        false,
      );
      const all = await allPages((cursor) => s.corrections.list({ limit: 3, ...(cursor ? { cursor } : {}) }));
      expect(all).toEqual([...tasks].reverse());
      const first = await s.corrections.list({ limit: 3 });
      expect(first.items).toHaveLength(3);
      expect(first.cursor).toBeTypeOf('string');
      const police = await allPages((cursor) =>
        s.corrections.list({ department: 'police', limit: 2, ...(cursor ? { cursor } : {}) }),
      );
      expect(police.map((t) => t.taskId)).toEqual(['t-5', 't-3', 't-1']);
      expect((await s.corrections.list({})).items).toHaveLength(7);
    });

    it('rejects a cursor it did not hand out', async () => {
      await s.corrections.create(task('t-0', 'police', '2024-04-01T00:00:00.000Z'));
      await expect(s.corrections.list({ cursor: '!!not-a-cursor' })).rejects.toThrow(InvalidCursorError);
    });
  });

  describe('AuditLog', () => {
    it('never overwrites an entry', async () => {
      const e = entry('2024-05-01T08:00:00.000Z', 'u-a', 'lead.read');
      await s.audit.append(e);
      await expect(s.audit.append({ ...e, actor: 'u-b' })).rejects.toThrow();
      expect((await s.audit.query({})).items).toEqual([e]);
    });

    it('answers queries by actor, action and inclusive time range, newest first, page by page', async () => {
      const entries = Array.from({ length: 12 }, (_, i) =>
        entry(
          `2024-05-${String(1 + Math.floor(i / 2)).padStart(2, '0')}T0${i % 2}:00:00.000Z`,
          i % 3 === 0 ? 'u-a' : 'u-b',
          i % 4 === 0 ? 'leads.export' : 'lead.read',
          i,
        ),
      );
      for (const e of entries) await s.audit.append(e);
      const queries: AuditQuery[] = [
        {},
        { actor: 'u-a' },
        { action: 'leads.export' },
        { actor: 'u-b', action: 'lead.read' },
        { from: '2024-05-02T01:00:00.000Z', to: '2024-05-05T00:00:00.000Z' },
        { actor: 'u-a', from: '2024-05-03T00:00:00.000Z' },
        { to: '2024-05-02T00:00:00.000Z' },
      ];
      for (const q of queries) {
        const expected = entries
          .filter((e) => matchesAuditQuery(e, q))
          .map((e) => e.auditId)
          .reverse();
        const found = await allPages((cursor) =>
          s.audit.query({ ...q, limit: 2, ...(cursor ? { cursor } : {}) }),
        );
        expect({ q, found: found.map((e) => e.auditId) }).toEqual({ q, found: expected });
      }
      expect((await s.audit.query({ limit: 5 })).items).toHaveLength(5);
    });

    it('keeps every lead id of a 25,000-lead export, listed cut and read back page by page', async () => {
      const ids = Array.from({ length: 25_000 }, (_, i) => `R01-${i.toString(16).padStart(20, '0')}`);
      const e = entry('2024-05-01T08:00:00.000Z', 'u-a', 'leads.export');
      const big = { ...e, target: { format: 'csv', leadIds: ids, count: ids.length } };
      await s.audit.append(big);
      await s.audit.append(entry('2024-05-01T09:00:00.000Z', 'u-a', 'lead.read'));
      const listed = (await s.audit.query({ action: 'leads.export' })).items;
      expect(listed).toEqual([{ ...big, target: { ...big.target, leadIds: ids.slice(0, 2000) } }]);
      for (const limit of [10_000, 4_321]) {
        const pages = [];
        let cursor: string | undefined;
        do {
          const page = await s.audit.leadIds(e.auditId, { limit, ...(cursor ? { cursor } : {}) });
          if (!page) throw new Error('entry not found');
          pages.push(page);
          cursor = page.cursor;
        } while (cursor);
        expect(pages.every((p) => p.count === 25_000 && !p.truncated)).toBe(true);
        expect({ limit, ids: pages.flatMap((p) => p.items) }).toEqual({ limit, ids });
      }
      expect(await s.audit.leadIds(e.auditId, { cursor: '24999', limit: 5 })).toEqual({
        items: ids.slice(24_999),
        count: 25_000,
      });
      expect(await s.audit.leadIds('2024-05-01T08:00:00.000Z#none', {})).toBeUndefined();
      await expect(s.audit.leadIds(e.auditId, { cursor: 'x' })).rejects.toThrow(InvalidCursorError);
      // An entry's lead ids are appended once too: a second entry under the same id fails.
      await expect(s.audit.append({ ...big, actor: 'u-b' })).rejects.toThrow();
      expect((await s.audit.leadIds(e.auditId, { limit: 3 }))?.items).toEqual(ids.slice(0, 3));
    });

    it.runIf(impl.name !== 'in-memory')(
      'reads on into the entries kept in the platform table from before, newest first',
      async () => {
        const append = s.appendLegacyAudit;
        if (!append) throw new Error('no legacy table');
        const old = [1, 2, 3].map((d) => entry(`2024-04-0${d}T08:00:00.000Z`, 'u-a', 'lead.read', d));
        const current = [1, 2, 3].map((d) => entry(`2024-05-0${d}T08:00:00.000Z`, 'u-a', 'lead.read', d));
        for (const e of old) await append(e);
        for (const e of current) await s.audit.append(e);
        const expected = [...old, ...current].map((e) => e.auditId).reverse();
        for (const limit of [1, 2, 3, 4, 50]) {
          const found = await allPages((cursor) => s.audit.query({ limit, ...(cursor ? { cursor } : {}) }));
          expect({ limit, found: found.map((e) => e.auditId) }).toEqual({ limit, found: expected });
        }
        const april = await allPages((cursor) =>
          s.audit.query({ to: '2024-04-30T00:00:00.000Z', limit: 2, ...(cursor ? { cursor } : {}) }),
        );
        expect(april.map((e) => e.auditId)).toEqual(old.map((e) => e.auditId).reverse());
        // An old export kept only its first ids: the page says so rather than inventing the rest.
        const cut = { ...entry('2024-04-09T08:00:00.000Z', 'u-a', 'leads.export', 9) };
        const kept = ['R01-1', 'R01-2'];
        await append({ ...cut, target: { leadIds: kept, count: 3000, truncated: true } });
        expect(await s.audit.leadIds(cut.auditId, {})).toEqual({ items: kept, count: 3000, truncated: true });
      },
    );
  });

  describe('ReportRepository', () => {
    it('stores a report with its receipt, once', async () => {
      const r = report('青山镇');
      await s.reports.create(r);
      expect(await s.reports.get(r.reportId)).toEqual(r);
      expect(await s.reports.getByReceipt(r.receiptHash)).toEqual(r);
      expect(await s.reports.getByReceipt('0'.repeat(64))).toBeUndefined();
      await expect(s.reports.create(r)).rejects.toThrow();
      // Another report may not take the receipt of an existing one.
      await expect(s.reports.create({ ...report('青山镇'), receiptHash: r.receiptHash })).rejects.toThrow();
    });

    it('updates over the stored revision and keeps the lead links in step', async () => {
      const r = report(null);
      await s.reports.create(r);
      const linked: Report = { ...r, leadIds: ['L-1', 'L-2'], revision: 2 };
      await s.reports.update(r, linked);
      const stale = s.reports.update(r, { ...r, status: 'acknowledged', revision: 2 });
      await expect(stale).rejects.toThrow(RevisionConflictError);
      await expect(stale).rejects.toMatchObject({ what: 'Report', id: r.reportId });
      expect((await s.reports.ofLead('L-1')).map((x) => x.reportId)).toEqual([r.reportId]);
      const relinked: Report = { ...linked, leadIds: ['L-2', 'L-3'], revision: 3 };
      await s.reports.update(linked, relinked);
      expect(await s.reports.ofLead('L-1')).toEqual([]);
      expect(await s.reports.ofLead('L-3')).toEqual([relinked]);
      expect(await s.reports.get(r.reportId)).toEqual(relinked);
    });

    it('lists by office and by assisting supervisor, and finds every report of a lead past one batch', async () => {
      const all = [report('青山镇'), report('青山镇', 'u-sup'), report('石门乡'), report(null, 'u-sup')];
      for (const r of all) await s.reports.create(r);
      const of = async (q: { office?: string | null; assistedBy?: string }) =>
        (await s.reports.list(q)).map((r) => r.reportId).sort();
      const idsOf = (rs: Report[]) => rs.map((r) => r.reportId).sort();
      expect(await of({})).toEqual(idsOf(all));
      expect(await of({ office: '青山镇' })).toEqual(idsOf(all.slice(0, 2)));
      expect(await of({ office: null })).toEqual(idsOf(all.slice(3)));
      expect(await of({ assistedBy: 'u-sup' })).toEqual(idsOf([all[1], all[3]] as Report[]));
      expect(await of({ office: '青山镇', assistedBy: 'u-sup' })).toEqual(idsOf([all[1]] as Report[]));

      const many = Array.from({ length: 101 }, () => report('石门乡'));
      for (const r of many) {
        await s.reports.create(r);
        await s.reports.update(r, { ...r, leadIds: ['L-many'], revision: 2 });
      }
      expect(idsOf(await s.reports.ofLead('L-many'))).toEqual(idsOf(many));
    });
  });

  describe('LatenessRepository', () => {
    it('creates and updates records by department, kind and due date, past one batch', async () => {
      const record = (department: string, dueAt: string | null, flaggedAt = '2024-04-16T00:30:00.000Z') =>
        ({ department, kind: 'subsidy_payments', dueAt, flaggedAt }) as LatenessRecord;
      const records = Array.from({ length: 30 }, (_, i) =>
        record(`township-4311991${String(i).padStart(2, '0')}`, `2024-04-15T02:00:00.000Z`),
      );
      await s.lateness.saveAll([...records, record('police', null)]);
      expect(await s.lateness.list()).toHaveLength(31);
      const resolved = { ...record('police', null), resolvedAt: '2024-04-17T00:30:00.000Z' };
      // The same record twice in one call: the last one wins.
      await s.lateness.saveAll([record('police', null, '2024-04-17T00:00:00.000Z'), resolved]);
      await s.lateness.saveAll([]);
      const listed = await s.lateness.list();
      expect(listed).toHaveLength(31);
      // Index order: department, kind, due date.
      expect(listed[0]).toEqual(resolved);
      expect(listed.map((r) => r.department)).toEqual(['police', ...records.map((r) => r.department)]);
    });
  });

  describe('PendingCollisionRepository', () => {
    it('merges the kinds of every mark, counts from the last one and is claimed once, by revision', async () => {
      expect(await s.pending.get()).toBeUndefined();
      expect(await s.pending.claim(1)).toBe(false);
      await s.pending.mark(['subsidy_payments'], '2024-05-01T00:00:00.000Z');
      // Concurrent Normalize tasks: no kind is lost, whichever lands first.
      await Promise.all([
        s.pending.mark(['death_records', 'subsidy_payments'], '2024-05-01T00:00:05.000Z'),
        s.pending.mark(['household_registry'], '2024-05-01T00:00:05.000Z'),
      ]);
      const read = await s.pending.get();
      expect(read).toEqual({
        kinds: ['death_records', 'household_registry', 'subsidy_payments'],
        firstMarkedAt: '2024-05-01T00:00:00.000Z',
        lastMarkedAt: '2024-05-01T00:00:05.000Z',
        revision: 3,
      });
      // A mark after the starter read it: its claim fails, the newer kinds stay pending.
      await s.pending.mark(['vehicle_records'], '2024-05-01T00:00:09.000Z');
      expect(await s.pending.claim(3)).toBe(false);
      expect((await s.pending.get())?.kinds).toContain('vehicle_records');
      expect(await s.pending.claim(4)).toBe(true);
      expect(await s.pending.claim(4)).toBe(false);
      expect(await s.pending.get()).toBeUndefined();
      // The next burst starts afresh.
      const next = await s.pending.mark(['divisions'], '2024-05-02T00:00:00.000Z');
      expect(next).toMatchObject({ kinds: ['divisions'], firstMarkedAt: '2024-05-02T00:00:00.000Z' });
    });
    it('lists the uploads being read with the pending collision; reading one restarts its quiet period', async () => {
      await s.pending.receiving('upload-a', '2024-06-01T00:00:00.000Z');
      // Nothing pending yet: nothing to show, and the end of a reading creates nothing.
      expect(await s.pending.get()).toBeUndefined();
      await s.pending.receiving('upload-b', '2024-06-01T00:00:02.000Z');
      const marked = await s.pending.mark(['divisions'], '2024-06-01T00:00:03.000Z');
      expect(await s.pending.get()).toEqual({
        ...marked,
        receivingSince: ['2024-06-01T00:00:00.000Z', '2024-06-01T00:00:02.000Z'],
      });
      await s.pending.received('upload-a', '2024-06-01T00:00:09.000Z');
      const after = await s.pending.get();
      expect(after).toMatchObject({
        lastMarkedAt: '2024-06-01T00:00:09.000Z',
        revision: marked.revision + 1,
        receivingSince: ['2024-06-01T00:00:02.000Z'],
      });
      await s.pending.received('upload-b', '2024-06-01T00:00:10.000Z');
      expect(await s.pending.claim(marked.revision + 2)).toBe(true);
      await s.pending.received('upload-b', '2024-06-01T00:00:11.000Z');
      expect(await s.pending.get()).toBeUndefined();
    });
  });

  describe('LeaseStore', () => {
    const SYNC = 'disclosure-sync';
    const T = 1_700_000_000; // epoch seconds

    it('is taken by one of two concurrent attempts, refused while held, and held by nobody else', async () => {
      const attempts = await Promise.all([
        s.leases.acquire(SYNC, 'run-a', T, T + 960),
        s.leases.acquire(SYNC, 'run-b', T, T + 960),
      ]);
      expect(attempts.filter((a) => a.acquired)).toHaveLength(1);
      const winner = attempts[0]?.acquired ? 'run-a' : 'run-b';
      // Refused up to and at its expiry, and the refusal names the holder and its expiry.
      expect(await s.leases.acquire(SYNC, 'run-c', T + 959, T + 2000)).toEqual({
        acquired: false,
        holder: { owner: winner, expiresAt: T + 960 },
      });
      expect((await s.leases.acquire(SYNC, 'run-c', T + 960, T + 2000)).acquired).toBe(false);
      // Another lease's name is another item.
      expect((await s.leases.acquire('other-work', 'run-c', T, T + 10)).acquired).toBe(true);
    });

    it('is taken after its expiry, and the old owner can then neither renew nor release it', async () => {
      expect(await s.leases.acquire(SYNC, 'run-a', T, T + 960)).toEqual({ acquired: true });
      expect(await s.leases.acquire(SYNC, 'run-b', T + 961, T + 1921)).toEqual({ acquired: true });
      expect(await s.leases.renew(SYNC, 'run-a', T + 3000)).toBe(false);
      expect(await s.leases.release(SYNC, 'run-a')).toBe(false);
      // run-b's lease is untouched by run-a's attempts.
      expect(await s.leases.acquire(SYNC, 'run-c', T + 1900, T + 3000)).toEqual({
        acquired: false,
        holder: { owner: 'run-b', expiresAt: T + 1921 },
      });
    });

    it('is renewed and released only by its owner; once released it is free at once', async () => {
      expect(await s.leases.release(SYNC, 'run-a')).toBe(false);
      expect(await s.leases.renew(SYNC, 'run-a', T + 10)).toBe(false);
      expect((await s.leases.acquire(SYNC, 'run-a', T, T + 960)).acquired).toBe(true);
      expect(await s.leases.renew(SYNC, 'run-a', T + 1500)).toBe(true);
      // Renewed: still held past its first expiry.
      expect(await s.leases.acquire(SYNC, 'run-b', T + 1000, T + 2000)).toMatchObject({
        acquired: false,
        holder: { owner: 'run-a', expiresAt: T + 1500 },
      });
      expect(await s.leases.renew(SYNC, 'run-b', T + 5000)).toBe(false);
      expect(await s.leases.release(SYNC, 'run-b')).toBe(false);
      expect(await s.leases.release(SYNC, 'run-a')).toBe(true);
      expect(await s.leases.release(SYNC, 'run-a')).toBe(false);
      expect((await s.leases.acquire(SYNC, 'run-b', T + 1, T + 961)).acquired).toBe(true);
    });
  });

  describe('ColumnMappingRepository', () => {
    it('keeps one mapping per department and kind, replaced as a whole with its history', async () => {
      expect(await s.columnMappings.get('police', 'vehicle_records')).toBeUndefined();
      const first = mergeColumnMapping(
        undefined,
        'police',
        'vehicle_records',
        { 号码一: 'owner_id' },
        { subject: 'u-1' },
        '2024-04-01T00:00:00.000Z',
      );
      await s.columnMappings.save(first);
      await s.columnMappings.save(
        mergeColumnMapping(
          undefined,
          'police',
          'property_records',
          { 证号: 'owner_id' },
          { subject: 'u-1' },
          '2024-04-01T00:00:00.000Z',
        ),
      );
      const second = mergeColumnMapping(
        first,
        'police',
        'vehicle_records',
        { 号码二: 'ignore' },
        { subject: 'u-2' },
        '2024-05-01T00:00:00.000Z',
      );
      await s.columnMappings.save(second);
      expect(await s.columnMappings.get('police', 'vehicle_records')).toEqual(second);
      expect((await s.columnMappings.get('police', 'property_records'))?.columns).toEqual({
        证号: 'owner_id',
      });
      expect(await s.columnMappings.get('civil-affairs', 'vehicle_records')).toBeUndefined();
    });
  });

  describe('ObjectStore', () => {
    // 10 KB of multi-byte text: streams arrive in chunks that split characters.
    const body = new TextEncoder().encode('身份证号,姓名,金额\n'.repeat(400));
    const read = async (stream: AsyncIterable<Uint8Array>) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return Buffer.concat(chunks);
    };

    it('stores bytes and reads them back whole or streamed', async () => {
      const key = `${prefix}民政/低保.csv`;
      expect(await s.objects.exists(BUCKET, key)).toBe(false);
      expect(await s.objects.getBytes(BUCKET, key)).toBeUndefined();
      expect(await s.objects.etag(BUCKET, key)).toBeUndefined();
      await expect(read(s.objects.stream(BUCKET, key))).rejects.toThrow();
      await s.objects.put(BUCKET, key, body, 'text/csv');
      expect(await s.objects.exists(BUCKET, key)).toBe(true);
      expect(Buffer.from((await s.objects.getBytes(BUCKET, key)) as Uint8Array)).toEqual(Buffer.from(body));
      expect(await read(s.objects.stream(BUCKET, key))).toEqual(Buffer.from(body));
      await s.objects.put(BUCKET, `${prefix}note.txt`, '说明');
      expect(new TextDecoder().decode(await s.objects.getBytes(BUCKET, `${prefix}note.txt`))).toBe('说明');
    });

    it('gives the same ETag to the same bytes and a new one to new bytes', async () => {
      const key = `${prefix}a.csv`;
      await s.objects.put(BUCKET, key, body);
      const etag = (await s.objects.etag(BUCKET, key)) as string;
      await s.objects.put(BUCKET, `${prefix}b.csv`, body);
      expect(await s.objects.etag(BUCKET, `${prefix}b.csv`)).toBe(etag);
      expect(await read(s.objects.stream(BUCKET, key, etag))).toEqual(Buffer.from(body));
      await s.objects.put(BUCKET, key, '姓名\n张三\n');
      expect(await s.objects.etag(BUCKET, key)).not.toBe(etag);
    });

    it.skipIf(!impl.checksIfMatch)(
      'refuses to stream bytes that changed since their ETag was read',
      async () => {
        const key = `${prefix}a.csv`;
        await s.objects.put(BUCKET, key, body);
        const etag = (await s.objects.etag(BUCKET, key)) as string;
        await s.objects.put(BUCKET, key, '姓名\n张三\n');
        await expect(read(s.objects.stream(BUCKET, key, etag))).rejects.toThrow(ObjectChangedError);
      },
    );
  });
});
