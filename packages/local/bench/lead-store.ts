/**
 * Lead storage at county scale on DynamoDB Local: seed N leads through the store (the
 * collision's first run), rescore them with a share changed (a nightly run), then time the
 * statistics page and a lead-list page. Then the workflow's own `ScoreAndStore` task on N
 * findings against a table of its own: a first run (every lead new), a rescore with the same
 * share changed, and one with nothing changed, each with the task's heap growth. Prints
 * figures; asserts nothing about time.
 *
 *   node --import ./scripts/node-support.mjs --import tsx packages/local/bench/lead-store.ts --leads 50000 [--parts store,task]
 *     [--changed 0.05] [--change evidence|amount]
 *
 * The store path is picked by what the repository offers, so the same script measured the
 * code before bulk writes (one conditional put each, 16 in flight; statistics by reading every
 * lead) and after (`putMany`, `statistics` from the kept sums).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { auditEntry } from '@jiandu/domain/audit';
import { DEFAULT_RULE_CONFIG } from '@jiandu/domain/config';
import { leadsToCsv } from '@jiandu/domain/export/leads-export';
import { DEFAULT_STATUSES, pageLeads, sortLeads } from '@jiandu/domain/leads/query';
import type { Finding, Lead, LeadStatus } from '@jiandu/domain/model';
import type { LeadRepository } from '@jiandu/domain/ports';
import { leadStatistics } from '@jiandu/domain/stats';
import { scoreAndStore } from '@jiandu/pipeline/tasks/store';
import { documentClientOf } from '@jiandu/store/clients';
import { DynamoAuditLog, DynamoLeadRepository } from '@jiandu/store/dynamo';
import { partitionQuery, queryAll } from '@jiandu/store/dynamo/items';
import { keys } from '@jiandu/store/keys';
import { MemoryObjects, MemoryReports, MemoryRuns, MemoryVersions } from '@jiandu/store/memory';
import { AUDIT_TABLE_SHAPE } from '@jiandu/store/table';
import { createDynamoDbClient, ensureTable, startDynamoDbLocal } from '../src/dynamodb.js';
import { freePort } from '../src/ports.js';
import { childrenCpuSeconds } from './children-cpu.js';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '50000' },
    changed: { type: 'string', default: '0.05' },
    parts: { type: 'string', default: 'store,task' },
    // What a rescore changes in the task's changed findings: their evidence citations (a
    // replaced roster: new version id and row numbers, as at a re-upload) or their amount.
    change: { type: 'string', default: 'evidence' },
  },
});
const N = Number(args.leads);
const CHANGED = Number(args.changed);
const PARTS = new Set(args.parts.split(','));
const CHANGE = args.change === 'amount' ? 'amount' : 'evidence';

const TOWNSHIPS = ['青山镇', '灰山港镇', '石门乡', ...Array.from({ length: 15 }, (_, i) => `第${i + 1}乡`)];
const RULES = ['R01', 'R02', 'R03', 'R04', 'R05', 'R06', 'R07', 'R08', 'R09', 'R10', 'R11', 'R12'];
const STATUSES: LeadStatus[] = [
  'new',
  'new',
  'new',
  'new',
  'assigned',
  'verifying',
  'confirmed',
  'dismissed',
  'superseded',
];

/** A lead shaped like the collision's (evidence rows, reasons, score parts), spread over rules, places and days. */
function leadOf(i: number): Lead {
  const id = `43119919${String(500101 + (i % 9000)).padStart(6, '0')}${String(i).padStart(4, '0')}`.slice(
    0,
    18,
  );
  const township = TOWNSHIPS[i % TOWNSHIPS.length] as string;
  const status = STATUSES[(i * 7) % STATUSES.length] as LeadStatus;
  return {
    // Shaped like `leadIdFor`'s: the rule and 20 hex digits of a digest.
    leadId: `${RULES[i % 12]}-${createHash('sha256').update(String(i)).digest('hex').slice(0, 20)}`,
    rule: RULES[i % 12] as string,
    subjectKey: `${id}|DIBAO_RURAL`,
    subject: `张*${i % 100} · 农村最低生活保障`,
    subjectParts: [{ person: '张三' }, ' · 农村最低生活保障'],
    idNumber: id,
    name: `张三${i % 100}`,
    township,
    village: `${township}第${i % 9}村`,
    amount: 10_000 + ((i * 997) % 500_000),
    match: 'id',
    evidence: [
      {
        kind: 'death_records',
        versionId: 'v-deaths',
        row: 2 + i,
        values: { id_number: id, death_date: '2023-01-15' },
      },
      {
        kind: 'subsidy_payments',
        versionId: 'v-pay',
        row: 5 + i,
        values: { id_number: id, amount: 120_000, pay_date: '2023-04-05' },
      },
      {
        kind: 'subsidy_payments',
        versionId: 'v-pay',
        row: 9 + i,
        values: { id_number: id, amount: 120_000, pay_date: '2023-05-05' },
      },
    ],
    reasons: ['2023-01-15 死亡，2023-04 起仍领取补贴 2 次'],
    score: 20 + (i % 80),
    scoreBreakdown: [
      { factor: 'rule', points: 40, reason: '规则基础分' },
      { factor: 'amount', points: i % 40, reason: '金额较大' },
    ],
    status,
    createdAt: `2024-03-0${1 + (i % 3)}T0${i % 10}:00:00.000Z`,
    updatedAt: '2024-03-03T00:00:00.000Z',
    lastRunId: 'run-1',
    revision: 1,
    ...(status === 'assigned' ? { assignee: 'u-officer', overdue: i % 5 === 0 } : {}),
    ...(status === 'confirmed'
      ? {
          verdict: {
            verifiedAmount: 100_000,
            recoveredAmount: 50_000,
            dispositions: { partyDiscipline: 0, admonition: 1, criticism: 0 },
            note: '核实',
            decidedBy: 'u-a',
            decidedAt: '2024-03-05T00:00:00.000Z',
          },
        }
      : {}),
    ...(status === 'dismissed'
      ? {
          dismissal: {
            reason: 'no_violation',
            note: '不实',
            decidedBy: 'u-a',
            decidedAt: '2024-03-05T00:00:00.000Z',
          },
        }
      : {}),
  } as Lead;
}

/** The repository as this script sees it: bulk writes and kept statistics may be missing (the code before them). */
type Bulk = Omit<LeadRepository, 'putMany' | 'statistics' | 'page'> &
  Partial<Pick<LeadRepository, 'putMany' | 'statistics' | 'page'>>;

/** Write leads the way the store stage does: in bulk when the store offers it, else one put each, 16 in flight. */
async function write(repo: Bulk, writes: { next: Lead; previous: Lead | undefined }[]): Promise<string> {
  if (repo.putMany) {
    const conflicts = await repo.putMany(writes);
    if (conflicts.length > 0) throw new Error(`${conflicts.length} unexpected conflicts`);
    return 'putMany (transactions of 90 + tallies)';
  }
  for (let i = 0; i < writes.length; i += 16)
    await Promise.all(writes.slice(i, i + 16).map((w) => repo.put(w.next, w.previous?.revision ?? 0)));
  return 'put (one conditional PutItem each, 16 in flight)';
}

/**
 * Time `work`: wall seconds, and the CPU seconds of this process and of DynamoDB Local (on a
 * shared machine the wall time varies with the load; the CPU seconds much less).
 */
async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const java = childrenCpuSeconds();
  const result = await work();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const nodeS = (used.user + used.system) / 1e6;
  console.log(
    `${what.padEnd(58)} ${(ms / 1000).toFixed(2).padStart(8)} s  (CPU: node ${nodeS.toFixed(1)} s, DynamoDB Local ${(childrenCpuSeconds() - java).toFixed(1)} s)`,
  );
  return result;
}

/** The store's own steps: bulk writes, statistics and the lead list, through the repository. */
async function storeSteps(repo: Bulk): Promise<void> {
  // What a collision run does first: the kept sums then count every lead.
  await repo.ensureStatistics();
  const leads = Array.from({ length: N }, (_, i) => leadOf(i));
  console.log(`${N} leads, ${Math.round(JSON.stringify(leads).length / N)} bytes each (JSON)`);

  const how = await timed(`first run: write ${N} new leads`, () =>
    write(
      repo,
      leads.map((next) => ({ next, previous: undefined })),
    ),
  );
  console.log(`  via ${how}`);
  const stored = await timed(`rescore: read ${N} leads by id (BatchGetItem)`, () =>
    repo.getMany(leads.map((l) => l.leadId)),
  );
  const changed = leads
    .filter((_, i) => i % Math.round(1 / CHANGED) === 0)
    .map((l) => {
      const previous = stored.get(l.leadId) as Lead;
      return {
        previous,
        next: { ...previous, amount: previous.amount + 100, revision: previous.revision + 1 },
      };
    });
  await timed(`rescore: write the ${changed.length} changed (${N - changed.length} unchanged: none)`, () =>
    write(repo, changed),
  );

  const scopes = [
    ['county', {}],
    ['one township', { township: '青山镇' }],
    ['one rule, two days', { rule: 'R02', createdFrom: '2024-03-02', createdTo: '2024-03-03' }],
  ] as const;
  for (const [name, scope] of scopes) {
    for (let round = 1; round <= 2; round++) {
      const stats = await timed(`statistics, ${name} (round ${round})`, async () =>
        repo.statistics ? repo.statistics(scope) : leadStatistics(await repo.scan(scope)),
      );
      if (round === 2)
        console.log(
          `  ${stats.total} leads, ${stats.byRule.length} rules, via ${repo.statistics ? 'kept sums' : 'reading every lead'}`,
        );
    }
  }
  // The default view (superseded and low scores hidden), newest first, 50 a page.
  const view = { statuses: DEFAULT_STATUSES, minScore: 20 };
  const listPage = async (cursor?: string) =>
    repo.page
      ? repo.page(view, { limit: 50, ...(cursor ? { cursor } : {}) })
      : {
          total: undefined,
          ...pageLeads(await repo.scan(view), { limit: 50, ...(cursor ? { cursor } : {}) }),
        };
  const first = await timed('lead list, first page of the default view (50)', () => listPage());
  console.log(`  total ${first.total ?? 'not given (more pages follow)'}`);
  await timed('lead list, next page', () => listPage(first.cursor));
}

/** The finding of lead `i`, changed (its evidence cites other rows of a new version, or its amount grew) or not. */
function findingOf(i: number, changed: boolean): Finding {
  const l = leadOf(i);
  const evidence =
    changed && CHANGE === 'evidence'
      ? l.evidence.map((e) => (e.versionId === 'v-pay' ? { ...e, versionId: 'v-pay-2', row: e.row + 1 } : e))
      : l.evidence;
  return {
    rule: l.rule as Finding['rule'],
    // Unique per lead (leadOf's IDs repeat past 9,000 leads).
    subjectKey: `${l.subjectKey}|${i}`,
    subject: l.subject,
    ...(l.subjectParts ? { subjectParts: l.subjectParts } : {}),
    ...(l.idNumber ? { idNumber: l.idNumber } : {}),
    ...(l.name ? { name: l.name } : {}),
    ...(l.township ? { township: l.township } : {}),
    ...(l.village ? { village: l.village } : {}),
    amount: l.amount + (changed && CHANGE === 'amount' ? 100 : 0),
    match: l.match,
    evidence,
    reasons: l.reasons,
  };
}

/**
 * The workflow's `ScoreAndStore` on N findings in 16 shards, leads in DynamoDB Local (its
 * other ports in memory): what a collision's last step costs at county scale.
 */
async function taskSteps(leads: DynamoLeadRepository): Promise<void> {
  const objects = new MemoryObjects();
  const runs = new MemoryRuns();
  const deps = {
    leads,
    runs,
    versions: new MemoryVersions(),
    reports: new MemoryReports(),
    objects,
    buckets: { data: 'data' },
    log: { info: () => undefined, warn: () => undefined },
    now: () => new Date().toISOString(),
    ruleConfig: DEFAULT_RULE_CONFIG,
    leadIdKey: new Uint8Array(32).fill(7),
  };
  const put = (key: string, value: unknown) =>
    objects.items.set(`data/${key}`, new TextEncoder().encode(JSON.stringify(value)));
  // Lead i is among the changed share when the share's running count steps up at i (exactly CHANGED × N of them, spread out).
  const isChanged = (i: number) => Math.floor((i + 1) * CHANGED) > Math.floor(i * CHANGED);
  const run = async (runId: string, changing: boolean) => {
    const shards = Array.from({ length: 16 }, (_, shard) => {
      const findings: Finding[] = [];
      for (let i = shard; i < N; i += 16) findings.push(findingOf(i, changing && isChanged(i)));
      put(`runs/${runId}/findings-${shard}.json`, findings);
      return { shard, findingsKey: `runs/${runId}/findings-${shard}.json`, findings: findings.length };
    });
    put(`runs/${runId}/manifest.json`, { runId, createdAt: deps.now(), rules: RULES, versions: [] });
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const sampler = setInterval(() => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }, 25);
    try {
      return {
        summary: await scoreAndStore(deps, { runId, manifestKey: `runs/${runId}/manifest.json`, shards }),
        heapMb: Math.round((heapPeak - heapBefore) / 1024 / 1024),
      };
    } finally {
      clearInterval(sampler);
    }
  };
  const share = `${Math.round(CHANGED * 100)}% of the leads' ${CHANGE === 'amount' ? 'amounts' : 'evidence citations'} changed`;
  for (const [runId, changing, what] of [
    ['run-1', false, `first run, ${N} findings, every lead new`],
    ['run-2', true, `rescore, ${share}`],
    ['run-3', true, 'rescore, nothing changed since the last run'],
  ] as const) {
    const { summary, heapMb } = await timed(`ScoreAndStore: ${what}`, () => run(runId, changing));
    console.log(
      `  ${summary.leadsNew} new, ${summary.leadsUpdated} updated, ${summary.leadsUnchanged} unchanged, ${summary.leadsSuperseded} superseded; heap grew by up to ${heapMb} MB`,
    );
  }
}

/** The lead export's steps (`GET /api/v1/leads/export`), each timed: read every lead, sort, audit, CSV. */
async function exportSteps(repo: DynamoLeadRepository, audit: DynamoAuditLog): Promise<void> {
  if (!PARTS.has('store'))
    await timed(`seed ${N} leads`, () =>
      write(
        repo,
        Array.from({ length: N }, (_, i) => ({ next: leadOf(i), previous: undefined })),
      ),
    );
  const doc = (repo as unknown as { doc: Parameters<typeof queryAll>[0] }).doc;
  await timed("before: GSI1's LEADS partition as one range", () =>
    queryAll(doc, partitionQuery('bench', keys.allLeads())),
  );
  const read = await timed('export: read every lead (scan, minScore 0)', () => repo.scan({ minScore: 0 }));
  const leads = await timed('export: sort', async () => sortLeads(read));
  await timed(`export: audit entry of ${leads.length} lead ids`, () =>
    audit.append(
      auditEntry(
        {
          actor: 'u-bench',
          roles: ['admin'],
          action: 'leads.export',
          target: { format: 'csv', leadIds: leads.map((l) => l.leadId) },
          sourceIp: '127.0.0.1',
        },
        new Date().toISOString(),
      ),
    ),
  );
  const csv = await timed('export: CSV', async () => leadsToCsv(leads));
  console.log(`  ${leads.length} leads, CSV ${Math.round(csv.length / 1024)} KiB`);
}

const dir = mkdtempSync(join(tmpdir(), 'jiandu-lead-bench-'));
const db = await startDynamoDbLocal({ dbPath: dir, port: await freePort() });
try {
  const client = createDynamoDbClient(db.endpoint);
  if (PARTS.has('store')) {
    await ensureTable(client, 'bench');
    await storeSteps(new DynamoLeadRepository(documentClientOf(client), 'bench'));
  }
  if (PARTS.has('export')) {
    await ensureTable(client, 'bench');
    await ensureTable(client, 'bench-audit', AUDIT_TABLE_SHAPE);
    await exportSteps(
      new DynamoLeadRepository(documentClientOf(client), 'bench'),
      new DynamoAuditLog(documentClientOf(client), 'bench-audit'),
    );
  }
  if (PARTS.has('task')) {
    await ensureTable(client, 'bench-task');
    await taskSteps(new DynamoLeadRepository(documentClientOf(client), 'bench-task'));
  }
  console.log(`peak RSS of this process ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
} finally {
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}
