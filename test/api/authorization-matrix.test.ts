/**
 * The authorization matrix, generated from the API's route table so that a new route can't
 * be forgotten: every route × every role (+ anonymous and five kinds of bad token) × an
 * object of the caller's own and of another jurisdiction. Tokens are real JWTs verified by
 * the production `jwtAuthenticator`; the ports are in memory, seeded with objects in two
 * townships (leads) and two departments (dataset versions).
 *
 * Expected outcome, derived from the route's declared `access` and the jurisdiction rule:
 * - no valid token → 401 on private routes; public routes answer everyone;
 * - a role the route doesn't declare → 403;
 * - a declared role on an object outside its jurisdiction → 404 (ids can't be probed), or
 *   403/404 when the object is named in the query or body;
 * - otherwise the route does its work (no 401/403/404, no 500), and a township officer or a
 *   department uploader never gets another jurisdiction's data in any response.
 */
import { type ApiDeps, type Authenticator, createApp, type RouteSpec, routeTable } from '@jiandu/api';
import type { AuditEntry } from '@jiandu/domain/audit';
import type { Lead } from '@jiandu/domain/model';
import type { FailedExecution } from '@jiandu/domain/ports';
import { DEFAULT_REPORT_DEADLINES } from '@jiandu/domain/reports/config';
import { newPowChallenge, solvePowChallenge } from '@jiandu/domain/reports/proof-of-work';
import { fileReport, type Report } from '@jiandu/domain/reports/report';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { MemoryWorkflowExecutions } from '@jiandu/store/memory';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryApiDeps } from '../support/api.js';
import {
  createTestIdentity,
  TEST_USERS,
  type TestIdentity,
  type TestUser,
  type TokenOptions,
} from '../support/identity.js';
import { testId } from '../support/ids.js';
import {
  MemoryLeads,
  MemoryVersions,
  memoryDatasetDeps,
  memoryReportDeps,
  memoryWorkflowDeps,
} from '../support/memory-ports.js';
import { TEST_KEYS, TEST_POW_BITS } from '../support/trust.js';

const NOW = '2024-06-01T08:00:00.000Z';
/** A solved proof of work for the public filing (each case builds a fresh app, so it is unused there). */
const PROOF = (() => {
  const challenge = newPowChallenge(TEST_KEYS.challenges, Date.parse(NOW), { difficulty: TEST_POW_BITS });
  return { challenge: challenge.challenge, solution: solvePowChallenge(challenge) };
})();
const DATA_BUCKET = 'data-bucket';

// ── Seed: the same objects in two jurisdictions ────────────────────────────────────────────

const ID_A = '431199198001011234';
const ID_B = '431199197505050012';

function lead(overrides: Partial<Lead> & Pick<Lead, 'leadId' | 'township'>): Lead {
  return {
    rule: 'R01',
    subjectKey: `${overrides.idNumber ?? ID_A}|DIBAO_RURAL|${overrides.leadId}`,
    subject: '张三丰 · 农村最低生活保障',
    idNumber: ID_A,
    name: '张三丰',
    village: '龙泉村',
    amount: 123456,
    match: 'id',
    evidence: [{ kind: 'subsidy_payments', versionId: 'v-c1a1c1a1c1a1', row: 7, values: { amount: 123456 } }],
    reasons: ['死亡后仍领取补贴'],
    score: 72,
    scoreBreakdown: [{ factor: 'amount', points: 72, reason: '金额' }],
    status: 'new',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    lastRunId: 'run-1',
    revision: 1,
    ...overrides,
  };
}

function version(versionId: string, department: string): DatasetVersion {
  return {
    versionId,
    department,
    kind: 'subsidy_payments',
    fileName: `${department}-2024-05.csv`,
    rawBucket: 'uploads-bucket',
    rawKey: `uploads/${department}/subsidy_payments/${department}-2024-05.csv`,
    fileHash: versionId.slice(2).padEnd(64, '0'),
    size: 1024,
    receivedAt: '2024-05-31T00:00:00.000Z',
    registeredAt: '2024-05-31T00:00:01.000Z',
    status: 'active',
    shardRows: [],
    coverage: [],
    rejectsKey: `rejects/${versionId}.csv`,
    history: [],
  };
}

/** A report filed a week before NOW about a village, handled by its township's office. */
function report(
  reportId: string,
  township: string,
  village: string,
  fill: number,
  extra: { reporterName: string; leadIds: readonly string[]; assistedBy?: string },
): { report: Report; receiptCode: string } {
  const filed = fileReport(
    {
      category: 'subsidy',
      township,
      village,
      content: `${village}有人冒领低保补贴，请核查。`,
      reporter: { anonymous: false, name: extra.reporterName, phone: '13812345678' },
    },
    {
      now: '2024-05-25T02:00:00.000Z',
      deadlines: DEFAULT_REPORT_DEADLINES,
      routing: { township, village, office: township },
      random: (n) => new Uint8Array(n).fill(fill),
      newId: () => reportId,
      receiptKey: TEST_KEYS.receipts,
      ...(extra.assistedBy ? { assistedBy: { subject: extra.assistedBy } } : {}),
    },
  );
  return { report: { ...filed.report, leadIds: [...extra.leadIds] }, receiptCode: filed.receiptCode };
}

/** The objects of one jurisdiction the matrix asks for. */
interface Objects {
  readonly township: string;
  readonly department: string;
  readonly lead: Lead;
  readonly version: DatasetVersion;
  readonly report: Report;
  readonly receiptCode: string;
}

/** The caller's own jurisdiction: 青山镇 and civil-affairs (the scoped test users'). */
const OWN_REPORT = report('RP-own000000000000000001', '青山镇', '龙泉村', 1, {
  reporterName: '李大娘',
  leadIds: ['R01-own0000000000000001'],
  assistedBy: TEST_USERS.supervisor.sub,
});
const OWN: Objects = {
  township: '青山镇',
  department: 'civil-affairs',
  lead: lead({ leadId: 'R01-own0000000000000001', township: '青山镇' }),
  version: version('v-c1a1c1a1c1a1', 'civil-affairs'),
  ...OWN_REPORT,
};
/** Another lead of the own township, not linked to any report yet (the link sample links it). */
const OWN_UNLINKED = lead({ leadId: 'R01-own0000000000000004', township: '青山镇' });
/**
 * Another jurisdiction: 石门乡 and police. Its lead has the SAME subject as the own one (a
 * county-wide view would relate them), so "other leads of this person" must filter too.
 */
const OTHER: Objects = {
  township: '石门乡',
  department: 'police',
  lead: lead({ leadId: 'R01-other000000000000002', township: '石门乡', village: '白沙村' }),
  version: version('v-b0b0b0b0b0b0', 'police'),
  // Linked by a county inspector to leads of both townships: the own lead's detail must not show it.
  ...report('RP-other00000000000000002', '石门乡', '白沙村', 2, {
    reporterName: '欧阳修远',
    leadIds: ['R01-other000000000000002', 'R01-own0000000000000001'],
  }),
};
/** A second lead of the other township, of another person: its personal data is a leak marker. */
const OTHER_PERSON = lead({
  leadId: 'R01-other000000000000003',
  township: '石门乡',
  village: '白沙村',
  idNumber: ID_B,
  name: '欧阳修远',
  subject: '欧阳修远 · 农村最低生活保障',
});

/** Strings that must never reach a caller limited to the own township / department. */
const LEAKS = {
  township: [OTHER.lead.leadId, OTHER_PERSON.leadId, ID_B, '欧阳修远', '白沙村', OTHER.report.reportId],
  department: [OTHER.version.versionId, OTHER.version.fileName],
} as const;

/** A collision execution that failed on a reset connection (redrivable). */
const FAILED_EXECUTION: FailedExecution = {
  id: 'b8f1c1de-2d1e-4a51-9d55-0c1e4f2a7d10',
  startedAt: NOW,
  trigger: 'Scheduled Event',
  error: 'TransientError',
  cause: '暂时性故障：read ECONNRESET',
  redrivable: true,
  redriveCount: 0,
};

/** An export on the audit log (county-wide: only admins read the log). */
const EXPORT_AUDIT: AuditEntry = {
  auditId: `${NOW}#0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0`,
  at: NOW,
  actor: TEST_USERS.inspector.sub,
  roles: ['inspector'],
  action: 'leads.export',
  target: { format: 'csv', leadIds: [OWN_REPORT.report.leadIds[0] ?? ''], count: 1 },
  sourceIp: '198.51.100.7',
};

function seededDeps(authenticator: Authenticator, errors: Error[]): ApiDeps {
  const leads = new MemoryLeads();
  const versions = new MemoryVersions();
  for (const l of [OWN.lead, OWN_UNLINKED, OTHER.lead, OTHER_PERSON])
    leads.items.set(l.leadId, structuredClone(l));
  const reports = memoryReportDeps();
  for (const r of [OWN.report, OTHER.report]) void reports.repository.create(structuredClone(r));
  for (const v of [OWN.version, OTHER.version]) versions.items.set(v.versionId, structuredClone(v));
  const datasets = memoryDatasetDeps({ buckets: { upload: 'uploads-bucket', data: DATA_BUCKET } });
  for (const v of [OWN.version, OTHER.version]) {
    void datasets.objects.put(DATA_BUCKET, v.rejectsKey ?? '', '\uFEFFrow,reason\r\n3,身份证号无效\r\n');
  }
  const executions = new MemoryWorkflowExecutions(() => NOW);
  executions.items.set(FAILED_EXECUTION.id, structuredClone(FAILED_EXECUTION));
  const workflow = memoryWorkflowDeps();
  void workflow.audit.append(EXPORT_AUDIT);
  return memoryApiDeps({
    leads,
    versions,
    workflow,
    executions,
    authenticator,
    datasets,
    reports,
    logError: (error) => errors.push(error),
    now: () => NOW,
  });
}

// ── How to call each route ───────────────────────────────────────────────────────────────

type Scope = 'township' | 'department';

/** Path parameters that name an object, and the jurisdiction that object belongs to. */
const PATH_OBJECTS: Readonly<Record<string, { scope?: Scope; value: (o: Objects) => string }>> = {
  leadId: { scope: 'township', value: (o) => o.lead.leadId },
  versionId: { scope: 'department', value: (o) => o.version.versionId },
  reportId: { scope: 'township', value: (o) => o.report.reportId },
  // Workflow executions are county-wide: no jurisdiction.
  executionId: { value: () => FAILED_EXECUTION.id },
  auditId: { value: () => EXPORT_AUDIT.auditId },
};

/**
 * A valid request for routes that need more than their path: a body for every mutating
 * route, and the jurisdiction when the object is named in the query or body.
 */
interface Sample {
  readonly scope?: Scope;
  readonly query?: (o: Objects) => Record<string, string>;
  readonly body?: (o: Objects) => unknown;
}

const SAMPLES: Readonly<Record<string, Sample>> = {
  'GET /api/v1/leads': { scope: 'township', query: (o) => ({ township: o.township }) },
  'GET /api/v1/leads/export': { scope: 'township', query: (o) => ({ township: o.township, format: 'csv' }) },
  'GET /api/v1/stats': { scope: 'township', query: (o) => ({ township: o.township }) },
  'GET /api/v1/versions': { scope: 'department', query: (o) => ({ department: o.department }) },
  'GET /api/v1/progress': { scope: 'department', query: (o) => ({ department: o.department }) },
  'GET /api/v1/corrections': { scope: 'department', query: (o) => ({ department: o.department }) },
  'POST /api/v1/leads/lookup': { body: () => ({ idNumber: ID_A }) },
  'POST /api/v1/runs/failed/:executionId/redrive': { body: () => ({}) },
  'POST /api/v1/leads/:leadId/assign': {
    body: () => ({
      kind: 'township_office',
      assignee: '青山镇',
      deadline: '2024-06-30',
      expectedRevision: 1,
    }),
  },
  'POST /api/v1/leads/:leadId/start-verification': {
    body: () => ({ note: '开始核查', expectedRevision: 1 }),
  },
  'POST /api/v1/leads/:leadId/confirm': {
    body: () => ({
      verifiedAmount: 1234.56,
      recoveredAmount: 1000,
      dispositions: { partyDiscipline: 1, admonition: 0, criticism: 1 },
      note: '已核实',
      expectedRevision: 1,
    }),
  },
  'POST /api/v1/leads/:leadId/dismiss': {
    body: () => ({ reason: 'no_violation', note: '经核查无问题', expectedRevision: 1 }),
  },
  'POST /api/v1/public/reports': {
    body: (o) => ({
      category: 'subsidy',
      township: o.township,
      village: '龙泉村',
      content: '村里有人去世多年仍在领取低保补贴。',
      anonymous: true,
      proof: PROOF,
    }),
  },
  'POST /api/v1/public/reports/lookup': { body: (o) => ({ receiptCode: o.receiptCode }) },
  'GET /api/v1/public/payments': { query: (o) => ({ month: '2024-03', township: o.township }) },
  'GET /api/v1/public/village-finance': { query: (o) => ({ township: o.township, village: '龙泉村' }) },
  'POST /api/v1/public/lookup': { body: () => ({ name: '张三', idNumber: testId('19800101', 123) }) },
  'POST /api/v1/reports/assisted': {
    body: (o) => ({
      category: 'village_finance',
      township: o.township,
      village: '龙泉村',
      content: '村里修路的工程款去向不明，村民有意见。',
      anonymous: false,
      reporter: { name: '王老汉', phone: '139 0000 1111' },
    }),
  },
  'GET /api/v1/reports': { scope: 'township', query: (o) => ({ township: o.township }) },
  'POST /api/v1/reports/:reportId/acknowledge': { body: () => ({ note: '已受理', expectedRevision: 1 }) },
  'POST /api/v1/reports/:reportId/investigate': { body: () => ({ expectedRevision: 1 }) },
  'POST /api/v1/reports/:reportId/conclude': {
    body: () => ({ answer: '经核查，反映情况属实，已追回资金。', expectedRevision: 1 }),
  },
  'POST /api/v1/reports/:reportId/link-lead': {
    body: () => ({ leadId: OWN_UNLINKED.leadId, expectedRevision: 1 }),
  },
  'POST /api/v1/reports/:reportId/unlink-lead': {
    body: (o) => ({ leadId: o.lead.leadId, expectedRevision: 1 }),
  },
  'POST /api/v1/versions/:versionId/withdraw': { body: () => ({ reason: '数据有误，撤回' }) },
  'POST /api/v1/versions/:versionId/restore': { body: () => ({ reason: '误撤回，恢复' }) },
  'POST /api/v1/versions/:versionId/confirm': { body: () => ({ reason: '本季度确实没有数据' }) },
  'GET /api/v1/column-mappings': {
    scope: 'department',
    query: (o) => ({ department: o.department, kind: 'vehicle_records' }),
  },
  'PUT /api/v1/column-mappings': {
    scope: 'department',
    body: (o) => ({ kind: 'vehicle_records', department: o.department, columns: { 持证号: 'owner_id' } }),
  },
  'POST /api/v1/uploads/complete': { body: () => ({}) },
  'POST /api/v1/uploads': {
    scope: 'department',
    body: (o) => ({
      kind: 'subsidy_payments',
      fileName: '2024年6月低保.csv',
      size: 2048,
      department: o.department,
      replaces: o.version.versionId,
      reason: '更正',
    }),
  },
};

const keyOf = (route: Pick<RouteSpec, 'method' | 'path'>) => `${route.method} ${route.path}`;

/** What the route's object belongs to, and whether it is named in the path (→ exactly 404 when hidden). */
function scopeOf(route: RouteSpec): { scope?: Scope; inPath: boolean } {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1] ?? '');
  const fromPath = params.map((p) => PATH_OBJECTS[p]?.scope).find(Boolean);
  if (fromPath) return { scope: fromPath, inPath: true };
  const sample = SAMPLES[keyOf(route)];
  return sample?.scope ? { scope: sample.scope, inPath: false } : { inPath: false };
}

function requestFor(
  route: RouteSpec,
  objects: Objects,
  withQuery = true,
): { url: string; init: RequestInit } {
  const path = route.path.replace(/:(\w+)/g, (_, name: string) => {
    const object = PATH_OBJECTS[name];
    if (!object) throw new Error(`${keyOf(route)}: add path parameter '${name}' to PATH_OBJECTS`);
    return encodeURIComponent(object.value(objects));
  });
  const sample = SAMPLES[keyOf(route)];
  const query = sample?.query && withQuery ? `?${new URLSearchParams(sample.query(objects))}` : '';
  const body = sample?.body?.(objects);
  return {
    url: `${path}${query}`,
    init: {
      method: route.method,
      ...(body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
    },
  };
}

// ── Who calls ────────────────────────────────────────────────────────────────────────────

/** One caller per role, each scoped to the OWN jurisdiction where the role is scoped. */
const ROLE_CALLERS: readonly { readonly label: string; readonly user: TestUser }[] = [
  { label: 'admin', user: TEST_USERS.admin },
  { label: 'inspector', user: TEST_USERS.inspector },
  { label: 'township_officer (青山镇)', user: TEST_USERS.township_officer },
  { label: 'department_uploader (civil-affairs)', user: TEST_USERS.department_uploader },
  { label: 'supervisor', user: TEST_USERS.supervisor },
];

/** Callers without a valid token: all of them are anonymous to the API. */
const BAD_TOKENS: readonly {
  readonly label: string;
  readonly options?: TokenOptions;
  readonly header?: string;
}[] = [
  { label: 'anonymous' },
  { label: 'garbage bearer', header: 'Bearer not-a-token' },
  { label: 'expired token', options: { expiresIn: -120 } },
  { label: 'wrong issuer', options: { issuer: 'https://cognito-idp.example/other-pool' } },
  { label: 'wrong audience', options: { audience: 'some-other-client' } },
  { label: 'forged signature', options: { forged: true } },
  { label: 'access token', options: { tokenUse: 'access' } },
];

const COUNTY_WIDE = ['admin', 'inspector'];

/** The jurisdiction rule, stated independently of the product code. */
function sees(user: TestUser, scope: Scope, objects: Objects): boolean {
  if (user.groups.some((g) => COUNTY_WIDE.includes(g))) return true;
  if (scope === 'township')
    return user.groups.includes('township_officer') && user.township === objects.township;
  return user.groups.includes('department_uploader') && user.department === objects.department;
}

// ── The matrix ───────────────────────────────────────────────────────────────────────────

let identity: TestIdentity;
const roleHeaders = new Map<string, Record<string, string>>();
const badHeaders = new Map<string, Record<string, string>>();

beforeAll(async () => {
  identity = await createTestIdentity();
  for (const caller of ROLE_CALLERS) roleHeaders.set(caller.label, await identity.headers(caller.user));
  for (const bad of BAD_TOKENS) {
    if (bad.header) badHeaders.set(bad.label, { authorization: bad.header });
    else if (bad.options) badHeaders.set(bad.label, await identity.headers(TEST_USERS.admin, bad.options));
    else badHeaders.set(bad.label, {});
  }
});

/** Call a route on a freshly seeded app (mutations never leak into the next case). */
async function call(route: RouteSpec, objects: Objects, headers: Record<string, string>, withQuery = true) {
  const errors: Error[] = [];
  const app = createApp(seededDeps(identity.authenticator, errors));
  const { url, init } = requestFor(route, objects, withQuery);
  const response = await app.request(url, { ...init, headers: { ...(init.headers as object), ...headers } });
  const text = await response.text();
  return { status: response.status, text, errors, url };
}

// The table is read once at collection time; each case then builds its own app.
const ROUTES = routeTable(seededDeps({ authenticate: async () => undefined }, []));

describe('route table', () => {
  it('declares access on every route, with known roles only', () => {
    const known = new Set(['admin', 'inspector', 'township_officer', 'department_uploader', 'supervisor']);
    expect(ROUTES.length).toBeGreaterThan(3);
    for (const route of ROUTES) {
      if (route.access === 'public') continue;
      expect(route.access.length, keyOf(route)).toBeGreaterThan(0);
      for (const role of route.access) expect(known.has(role), `${keyOf(route)}: ${role}`).toBe(true);
    }
  });

  it('knows how to call every route: object parameters mapped, a sample body for every mutation', () => {
    for (const route of ROUTES) {
      for (const [, name = ''] of route.path.matchAll(/:(\w+)/g)) {
        expect(PATH_OBJECTS[name], `${keyOf(route)}: add '${name}' to PATH_OBJECTS`).toBeDefined();
      }
      if (route.method !== 'GET') {
        expect(SAMPLES[keyOf(route)]?.body, `${keyOf(route)}: add a sample body to SAMPLES`).toBeDefined();
      }
    }
    // No stale samples: each names a route that exists.
    const keys = new Set(ROUTES.map(keyOf));
    for (const key of Object.keys(SAMPLES))
      expect(keys.has(key), `SAMPLES has unknown route ${key}`).toBe(true);
  });
});

describe.each(ROUTES.map((route) => [keyOf(route), route] as const))('%s', (_key, route) => {
  const { scope, inPath } = scopeOf(route);
  const isPublic = route.access === 'public';

  it.each(BAD_TOKENS.map((b) => b.label))(`%s → ${isPublic ? 'served' : '401'}`, async (label) => {
    const result = await call(route, OWN, badHeaders.get(label) ?? {});
    if (isPublic) {
      expect(result.status, result.text).toBeLessThan(400);
    } else {
      expect(result.status, `${label} on ${result.url}: ${result.text}`).toBe(401);
      expect(result.text).toContain('unauthenticated');
    }
  });

  const jurisdictions = scope
    ? ([
        ['own', OWN, true],
        ['other', OTHER, true],
      ] as const)
    : ([['any', OWN, true]] as const);
  // Lists named by a query filter are also called unfiltered: the default view must be scoped too.
  const cases = SAMPLES[keyOf(route)]?.query
    ? [...jurisdictions, ['own, unfiltered', OWN, false] as const]
    : jurisdictions;

  for (const caller of ROLE_CALLERS) {
    const declared = isPublic || route.access.some((r) => caller.user.groups.includes(r));
    it.each(cases)(`${caller.label} · %s`, async (_which, objects, withQuery) => {
      const result = await call(route, objects, roleHeaders.get(caller.label) ?? {}, withQuery);
      const context = `${caller.label} ${route.method} ${result.url} → ${result.status} ${result.text.slice(0, 300)}`;
      expect(result.errors, context).toEqual([]);
      expect(result.status, context).toBeLessThan(500);
      if (!declared) {
        expect(result.status, context).toBe(403);
        return;
      }
      const visible = scope === undefined || !withQuery || sees(caller.user, scope, objects);
      if (!visible) {
        if (inPath) expect(result.status, context).toBe(404);
        else expect([403, 404], context).toContain(result.status);
        return;
      }
      expect([401, 403, 404], context).not.toContain(result.status);
      // Whatever the route returns, nothing of another jurisdiction is in it.
      if (!caller.user.groups.some((g) => COUNTY_WIDE.includes(g))) {
        const markers = [
          ...(caller.user.township ? LEAKS.township : []),
          ...(caller.user.department ? LEAKS.department : []),
        ];
        for (const marker of markers)
          expect(result.text, `${context}: leaks ${marker}`).not.toContain(marker);
      }
    });
  }
});
