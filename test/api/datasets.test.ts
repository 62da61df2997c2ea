/**
 * Department data routes through `app.request()` over in-memory ports: list, detail,
 * rejects download, withdrawal, presigned (replacement) uploads and the progress board,
 * each as the department, another department, an inspector and an admin would call them.
 */
import { type ApiDeps, type Authenticator, createApp, type Principal } from '@jiandu/api';
import { resolveCadenceConfig } from '@jiandu/domain/datasets/cadence';
import { PLACES_REQUEST } from '@jiandu/domain/kinds';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { MemoryWorkflowExecutions } from '@jiandu/store/memory';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type MemoryAuditLog,
  MemoryColumnMappings,
  MemoryLateness,
  MemoryLeads,
  MemoryObjects,
  MemoryPendingCollisions,
  MemoryRuns,
  MemoryUploadSigner,
  MemoryVersions,
  memoryDatasetDeps,
  memoryDisclosureDeps,
  memoryReportDeps,
  memoryWorkflowDeps,
} from '../support/memory-ports.js';

const PRINCIPALS: Record<string, Principal> = {
  civil: {
    subject: 'u-civil',
    roles: ['department_uploader'],
    name: '民政上传',
    department: 'civil-affairs',
  },
  police: { subject: 'u-police', roles: ['department_uploader'], name: '公安上传', department: 'police' },
  orphan: { subject: 'u-orphan', roles: ['department_uploader'] },
  inspector: { subject: 'u-inspector', roles: ['inspector'], name: '李检查' },
  admin: { subject: 'u-admin', roles: ['admin'], name: '管理员' },
  township: { subject: 'u-town', roles: ['township_officer'], township: '青山镇' },
};

/** Test double of the authenticator port: the bearer token names the principal. */
const fakeAuthenticator: Authenticator = {
  async authenticate(authorization) {
    const token = /^Bearer (\w+)$/.exec(authorization ?? '')?.[1];
    return token ? PRINCIPALS[token] : undefined;
  },
};

const as = (who: keyof typeof PRINCIPALS, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json', ...init.headers },
});
const post = (who: keyof typeof PRINCIPALS, body: unknown) =>
  as(who, { method: 'POST', body: JSON.stringify(body) });

const NOW = '2024-04-20T03:00:00.000Z';
const quality = {
  rowsRead: 10,
  accepted: 8,
  rejected: 2,
  rejectedByReason: { invalid_id: 2 },
  idsRepaired: 1,
  idsLost: 0,
  unknownPrograms: [],
  warnings: [],
};

function version(id: string, overrides: Partial<DatasetVersion> = {}): DatasetVersion {
  return {
    versionId: `v-${id.padStart(24, '0')}`,
    department: 'civil-affairs',
    kind: 'subsidy_payments',
    fileName: '2024年3月低保.csv',
    rawBucket: 'uploads-bucket',
    rawKey: `uploads/civil-affairs/subsidy_payments/${id}.csv`,
    fileHash: id.repeat(64).slice(0, 64),
    size: 1000,
    receivedAt: '2024-03-05T02:00:00Z',
    registeredAt: '2024-03-05T02:00:02.000Z',
    status: 'active',
    quality,
    shardRows: [8],
    coverage: ['DIBAO_RURAL|2024-03'],
    history: [{ at: '2024-03-05T02:00:02.000Z', action: 'registered', by: 'civil-affairs' }],
    ...overrides,
  };
}

const CIVIL = version('a1', { rejectsKey: 'versions/v-a1/rejects.csv' });
const CIVIL_DEATHS = version('a2', {
  kind: 'death_records',
  fileName: 'deaths.csv',
  receivedAt: '2024-04-01T00:00:00Z',
});
const CIVIL_REJECTED = version('a3', {
  status: 'rejected',
  statusReason: '缺少必需列：身份证号',
  quality: undefined,
  receivedAt: '2024-03-06T00:00:00Z',
});
const POLICE = version('b1', {
  department: 'police',
  kind: 'household_registry',
  fileName: 'hukou.xlsx',
  receivedAt: '2024-02-01T00:00:00Z',
});

describe('department data API', () => {
  let versions: MemoryVersions;
  let objects: MemoryObjects;
  let signer: MemoryUploadSigner;
  let lateness: MemoryLateness;
  let mappings: MemoryColumnMappings;
  let started: { reason: string; detail: Record<string, unknown> }[];
  let failStart: boolean;
  let app: ReturnType<typeof createApp>;
  let audit: MemoryAuditLog;

  beforeEach(async () => {
    versions = new MemoryVersions();
    for (const v of [CIVIL, CIVIL_DEATHS, CIVIL_REJECTED, POLICE]) await versions.create(v);
    objects = new MemoryObjects();
    await objects.put(
      'data-bucket',
      'versions/v-a1/rejects.csv',
      '\uFEFF行号,原因\r\n3,身份证号校验位错误\r\n',
    );
    signer = new MemoryUploadSigner();
    lateness = new MemoryLateness();
    mappings = new MemoryColumnMappings();
    started = [];
    failStart = false;
    const deps: ApiDeps = {
      leads: new MemoryLeads(),
      versions,
      runs: new MemoryRuns(),
      pendingCollisions: new MemoryPendingCollisions(),
      executions: new MemoryWorkflowExecutions(),
      collisions: {
        start: async (reason, detail) => {
          if (failStart) throw new Error('StartExecution throttled');
          started.push({ reason, detail });
          return `exec-${started.length}`;
        },
      },
      datasets: {
        objects,
        buckets: { upload: 'uploads-bucket', data: 'data-bucket' },
        uploadUrls: signer,
        lateness,
        cadence: resolveCadenceConfig({ village_finance: { departments: ['township-431199100'] } }),
        columnMappings: mappings,
      },
      workflow: memoryWorkflowDeps(),
      reports: memoryReportDeps(),
      disclosure: memoryDisclosureDeps(),
      authenticator: fakeAuthenticator,
      logError: () => {},
      now: () => NOW,
    };
    audit = deps.workflow.audit as MemoryAuditLog;
    app = createApp(deps);
  });

  const json = async (res: Response) => (await res.json()) as Record<string, unknown> & { items: never[] };
  const errorOf = async (res: Response) =>
    ((await res.json()) as { error: { code: string; message: string } }).error;

  describe('listing versions', () => {
    it('shows a department only its own versions, in upload order, with labels and links', async () => {
      const res = await app.request('/api/v1/versions', as('civil'));
      expect(res.status).toBe(200);
      const items = (await json(res)).items as (DatasetVersion & { kindLabel: string; links: unknown })[];
      expect(items.map((v) => v.versionId)).toEqual([
        CIVIL.versionId,
        CIVIL_REJECTED.versionId,
        CIVIL_DEATHS.versionId,
      ]);
      expect(items[0]).toMatchObject({
        kindLabel: '民生资金发放明细',
        quality,
        history: CIVIL.history,
        links: {
          self: `/api/v1/versions/${CIVIL.versionId}`,
          rejects: `/api/v1/versions/${CIVIL.versionId}/rejects`,
        },
      });
      expect(items[1]?.links).toMatchObject({ rejects: null });
    });

    it('filters by kind and status', async () => {
      const byKind = await json(await app.request('/api/v1/versions?kind=death_records', as('civil')));
      expect(byKind.items).toHaveLength(1);
      const rejected = await json(await app.request('/api/v1/versions?status=rejected', as('civil')));
      expect((rejected.items as DatasetVersion[]).map((v) => v.statusReason)).toEqual([
        '缺少必需列：身份证号',
      ]);
    });

    it("refuses another department's list, and lets inspectors see every department", async () => {
      const other = await app.request('/api/v1/versions?department=police', as('civil'));
      expect(other.status).toBe(403);
      const all = await json(await app.request('/api/v1/versions', as('inspector')));
      expect(all.items).toHaveLength(4);
      const police = await json(
        await app.request('/api/v1/versions?department=police&kind=household_registry', as('inspector')),
      );
      expect((police.items as DatasetVersion[]).map((v) => v.versionId)).toEqual([POLICE.versionId]);
    });

    it('refuses uploaders without a department and roles without data access', async () => {
      expect((await app.request('/api/v1/versions', as('orphan'))).status).toBe(403);
      expect((await app.request('/api/v1/versions', as('township'))).status).toBe(403);
      expect((await app.request('/api/v1/versions')).status).toBe(401);
    });

    it('names a bad query field', async () => {
      const res = await app.request('/api/v1/versions?kind=payments', as('inspector'));
      expect(res.status).toBe(400);
      expect((await errorOf(res)).message).toContain('kind');
    });
  });

  describe('one version and its rejects', () => {
    it("shows its own version; another department's is not found", async () => {
      const own = await app.request(`/api/v1/versions/${CIVIL.versionId}`, as('civil'));
      expect(own.status).toBe(200);
      expect(await json(own)).toMatchObject({ versionId: CIVIL.versionId, quality });
      expect((await app.request(`/api/v1/versions/${POLICE.versionId}`, as('civil'))).status).toBe(404);
      expect((await app.request(`/api/v1/versions/${POLICE.versionId}`, as('inspector'))).status).toBe(200);
      expect((await app.request('/api/v1/versions/not-an-id', as('inspector'))).status).toBe(400);
    });

    it('downloads the rejects file as CSV with a BOM and a Chinese file name', async () => {
      const res = await app.request(`/api/v1/versions/${CIVIL.versionId}/rejects`, as('civil'));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toContain(
        `filename*=UTF-8''${encodeURIComponent('2024年3月低保-被拒绝的行.csv')}`,
      );
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(new TextDecoder().decode(bytes)).toContain('身份证号校验位错误');
    });

    it('404s a version without rejected rows and rejects of another department', async () => {
      const none = await app.request(`/api/v1/versions/${CIVIL_DEATHS.versionId}/rejects`, as('civil'));
      expect(none.status).toBe(404);
      expect((await errorOf(none)).message).toContain('no rows were rejected');
      expect((await app.request(`/api/v1/versions/${CIVIL.versionId}/rejects`, as('police'))).status).toBe(
        404,
      );
    });
  });

  describe('withdrawing', () => {
    const withdraw = (id: string, who: keyof typeof PRINCIPALS, body: unknown = { reason: '发放名单有误' }) =>
      app.request(`/api/v1/versions/${id}/withdraw`, post(who, body));

    it('withdraws its own version with who/when/why and starts a collision run', async () => {
      const res = await withdraw(CIVIL.versionId, 'civil');
      expect(res.status).toBe(200);
      const body = (await res.json()) as { version: DatasetVersion; collision: unknown };
      expect(body.version.status).toBe('withdrawn');
      expect(body.version.history.at(-1)).toEqual({
        at: NOW,
        action: 'withdrawn',
        by: 'u-civil',
        byName: '民政上传',
        reason: '发放名单有误',
      });
      expect(body.collision).toEqual({ executionId: 'exec-1' });
      expect(started).toEqual([
        {
          reason: 'Version Withdrawn',
          detail: { versionId: CIVIL.versionId, kind: 'subsidy_payments', department: 'civil-affairs' },
        },
      ]);
      expect((await versions.get(CIVIL.versionId))?.status).toBe('withdrawn');
    });

    it('refuses a second withdrawal (409) and a rejected file (400) with clear messages', async () => {
      await withdraw(CIVIL.versionId, 'civil');
      const again = await withdraw(CIVIL.versionId, 'civil');
      expect(again.status).toBe(409);
      expect((await errorOf(again)).message).toContain('不能重复撤回');
      const rejected = await withdraw(CIVIL_REJECTED.versionId, 'civil');
      expect(rejected.status).toBe(400);
      expect((await errorOf(rejected)).message).toContain('没有可撤回的数据');
      expect(started).toHaveLength(1);
    });

    it('requires a reason', async () => {
      const res = await withdraw(CIVIL.versionId, 'civil', {});
      expect(res.status).toBe(400);
      expect((await errorOf(res)).message).toContain('reason');
      expect((await versions.get(CIVIL.versionId))?.status).toBe('active');
    });

    it("can't touch another department's version; inspectors can't withdraw; admins can", async () => {
      expect((await withdraw(CIVIL.versionId, 'police')).status).toBe(404);
      expect((await withdraw(CIVIL.versionId, 'inspector')).status).toBe(403);
      expect((await withdraw(POLICE.versionId, 'admin')).status).toBe(200);
    });

    it('keeps the withdrawal when the run cannot start, and says so', async () => {
      failStart = true;
      const res = await withdraw(CIVIL.versionId, 'civil');
      expect(res.status).toBe(200);
      expect(((await res.json()) as { collision: unknown }).collision).toMatchObject({ started: false });
      expect((await versions.get(CIVIL.versionId))?.status).toBe('withdrawn');
    });

    it('answers 409 and keeps the replacement when a newer upload replaced the version meanwhile', async () => {
      // The pipeline replaces the version between the route's read and its write.
      const read = versions.get.bind(versions);
      versions.get = async (id) => {
        const seen = await read(id);
        if (seen) await versions.save({ ...seen, status: 'replaced', replacedBy: 'v-newer' });
        return seen;
      };
      const res = await withdraw(CIVIL.versionId, 'civil');
      expect(res.status).toBe(409);
      const error = await errorOf(res);
      expect(error.code).toBe('conflict');
      expect(error.message).toContain(CIVIL.versionId);
      versions.get = read;
      expect(await versions.get(CIVIL.versionId)).toMatchObject({ status: 'replaced', revision: 1 });
      expect(started).toEqual([]);
    });

    it('returns the withdrawn version with its new revision', async () => {
      const res = await withdraw(CIVIL.versionId, 'civil');
      expect(((await res.json()) as { version: DatasetVersion }).version.revision).toBe(1);
    });
  });

  describe('audit of sensitive reads and changes', () => {
    const entries = () => audit.entries().map((e) => [e.action, e.actor, e.target]);

    it('logs a rejects download (names and ID numbers) before any byte is returned', async () => {
      const res = await app.request(`/api/v1/versions/${CIVIL.versionId}/rejects`, as('civil'));
      expect(res.status).toBe(200);
      expect(entries()).toEqual([['rejects.download', 'u-civil', { versionId: CIVIL.versionId }]]);
      // When the log can't record it, nothing is returned.
      audit.append = async () => {
        throw new Error('audit log unavailable');
      };
      const refused = await app.request(`/api/v1/versions/${CIVIL.versionId}/rejects`, as('civil'));
      expect(refused.status).toBe(500);
      expect(await refused.text()).not.toContain('身份证号校验位错误');
    });

    it('logs a withdrawal with its reason, and a presigned upload with its key', async () => {
      await app.request(
        `/api/v1/versions/${CIVIL.versionId}/withdraw`,
        post('civil', { reason: '发放名单有误' }),
      );
      await app.request(
        '/api/v1/uploads',
        post('civil', { kind: 'subsidy_payments', fileName: 'a.csv', size: 10 }),
      );
      expect(entries()).toEqual([
        ['version.withdraw', 'u-civil', { versionId: CIVIL.versionId, reason: '发放名单有误' }],
        ['upload.presign', 'u-civil', { uploadKey: 'uploads/civil-affairs/subsidy_payments/a.csv' }],
      ]);
    });
  });

  describe('presigned uploads', () => {
    const upload = (who: keyof typeof PRINCIPALS, body: object) =>
      app.request('/api/v1/uploads', post(who, { size: 2048, ...body }));

    it("signs a PUT to the department's own key and records who asked", async () => {
      const res = await upload('civil', { kind: 'subsidy_payments', fileName: '2024年4月低保.csv' });
      expect(res.status).toBe(201);
      const body = await json(res);
      const key = 'uploads/civil-affairs/subsidy_payments/2024年4月低保.csv';
      expect(body).toMatchObject({ method: 'PUT', key, department: 'civil-affairs', replaces: null });
      expect(body.url).toBe(`https://uploads.example.test/${encodeURI(key)}?X-Amz-Expires=900`);
      expect(body.expiresAt).toBe('2024-04-20T03:15:00.000Z');
      expect(signer.signed).toEqual([{ key, expiresInSeconds: 900, contentLength: 2048 }]);
      // The PUT must carry the signed conditions: create-only, exactly this size.
      expect(body.headers).toEqual({ 'If-None-Match': '*', 'Content-Length': '2048' });
      expect(await versions.latestUploadRequest(key, NOW)).toMatchObject({
        requestedBy: 'u-civil',
        requestedByName: '民政上传',
        requestedAt: NOW,
      });
    });

    it("won't let an uploader choose another department; admins must name one", async () => {
      expect(
        (await upload('civil', { kind: 'subsidy_payments', fileName: 'a.csv', department: 'police' })).status,
      ).toBe(403);
      expect((await upload('admin', { kind: 'subsidy_payments', fileName: 'a.csv' })).status).toBe(403);
      const forPolice = await upload('admin', {
        kind: 'household_registry',
        fileName: 'a.csv',
        department: 'police',
      });
      expect(forPolice.status).toBe(201);
      expect((await json(forPolice)).key).toBe('uploads/police/household_registry/a.csv');
      expect((await upload('inspector', { kind: 'subsidy_payments', fileName: 'a.csv' })).status).toBe(403);
    });

    it('signs only a bounded, exact size', async () => {
      const huge = await upload('civil', {
        kind: 'subsidy_payments',
        fileName: 'a.csv',
        size: 600 * 1024 * 1024,
      });
      expect(huge.status).toBe(400);
      expect((await errorOf(huge)).message).toContain('512 MB');
      const none = await app.request(
        '/api/v1/uploads',
        post('civil', { kind: 'subsidy_payments', fileName: 'a.csv' }),
      );
      expect(none.status).toBe(400);
      expect(signer.signed).toEqual([]);
    });

    it('validates the kind and the file name', async () => {
      const kind = await upload('civil', { kind: 'payments', fileName: 'a.csv' });
      expect(kind.status).toBe(400);
      expect((await errorOf(kind)).message).toContain('kind');
      const name = await upload('civil', { kind: 'subsidy_payments', fileName: '../../a.csv' });
      expect(name.status).toBe(400);
      const ext = await upload('civil', { kind: 'subsidy_payments', fileName: 'a.xls' });
      expect((await errorOf(ext)).message).toContain('.csv 或 .xlsx');
      expect(signer.signed).toEqual([]);
    });

    it('never overwrites a raw file: a used name is a conflict', async () => {
      await objects.put('uploads-bucket', 'uploads/civil-affairs/subsidy_payments/a.csv', 'x');
      const res = await upload('civil', { kind: 'subsidy_payments', fileName: 'a.csv' });
      expect(res.status).toBe(409);
      expect((await errorOf(res)).message).toContain('同名文件');
    });

    it('notes a replacement on the version it replaces; it needs a reason and an own active version', async () => {
      const body = { kind: 'subsidy_payments', fileName: '更正.csv', replaces: CIVIL.versionId };
      expect((await upload('civil', body)).status).toBe(400);
      const res = await upload('civil', { ...body, reason: '金额录错' });
      expect(res.status).toBe(201);
      expect((await json(res)).replaces).toBe(CIVIL.versionId);
      expect((await versions.get(CIVIL.versionId))?.history.at(-1)).toEqual({
        at: NOW,
        action: 'replacement_requested',
        by: 'u-civil',
        byName: '民政上传',
        reason: '金额录错',
        replacement: 'uploads/civil-affairs/subsidy_payments/更正.csv',
      });
      const other = await upload('police', { ...body, kind: 'subsidy_payments', reason: '金额录错' });
      expect(other.status).toBe(404);
      const wrongKind = await upload('civil', {
        ...body,
        fileName: 'b.csv',
        kind: 'death_records',
        reason: '错' + '误',
      });
      expect(wrongKind.status).toBe(400);
      const rejected = await upload('civil', {
        ...body,
        fileName: 'c.csv',
        replaces: CIVIL_REJECTED.versionId,
        reason: '重传',
      });
      expect(rejected.status).toBe(409);
    });
  });

  describe('progress board', () => {
    it('shows a department its own datasets, with rows, error rate and what is overdue', async () => {
      const res = await app.request('/api/v1/progress', as('civil'));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { asOf: string; items: Record<string, unknown>[] };
      expect(body.asOf).toBe(NOW);
      expect(body.items.map((e) => e.kind)).toEqual(['death_records', 'subsidy_payments']);
      expect(body.items[1]).toMatchObject({
        department: 'civil-affairs',
        cadence: 'monthly',
        lastReceivedAt: '2024-03-05T02:00:00Z',
        versions: { total: 2, active: 1, rejected: 1 },
        rowsRead: 10,
        rowsRejected: 2,
        errorRate: 0.2,
        nextDueAt: '2024-04-15T02:00:00.000Z',
        overdue: true,
        daysLate: 5,
      });
      expect((await app.request('/api/v1/progress?department=police', as('civil'))).status).toBe(403);
    });

    it('shows inspectors every department, including expected ones that never uploaded, filtered by overdue', async () => {
      const body = (await (await app.request('/api/v1/progress?overdue=true', as('inspector'))).json()) as {
        items: Record<string, unknown>[];
      };
      expect(body.items.map((e) => `${e.department}/${e.kind}`)).toEqual([
        'civil-affairs/subsidy_payments',
        'township-431199100/village_finance',
      ]);
      expect(body.items[1]).toMatchObject({ expected: true, lastReceivedAt: null, overdue: true });
    });

    it('shows when the scheduled check flagged a dataset late', async () => {
      await lateness.saveAll([
        {
          department: 'civil-affairs',
          kind: 'subsidy_payments',
          dueAt: '2024-04-15T02:00:00.000Z',
          flaggedAt: '2024-04-16T00:30:00.000Z',
        },
      ]);
      const body = (await (
        await app.request('/api/v1/progress?kind=subsidy_payments', as('civil'))
      ).json()) as {
        items: Record<string, unknown>[];
      };
      expect(body.items[0]).toMatchObject({
        overdueSince: '2024-04-15T02:00:00.000Z',
        flaggedLateAt: '2024-04-16T00:30:00.000Z',
      });
    });
  });
});

describe('held versions, column mappings and restores', () => {
  let versions: MemoryVersions;
  let mappings: MemoryColumnMappings;
  let started: { reason: string; detail: Record<string, unknown> }[];
  let app: ReturnType<typeof createApp>;

  const HELD = version('c1', {
    department: 'police',
    kind: 'vehicle_records',
    fileName: '机动车.csv',
    rawKey: 'uploads/police/vehicle_records/机动车.csv',
    status: 'needs_mapping',
    statusReason: '文件中「号码一」「号码二」这几列的内容看起来是身份证号……',
    hold: { reason: 'needs_mapping', candidates: ['号码一', '号码二'], targets: ['owner_id'] },
    quality: undefined,
    shardRows: [],
    coverage: [],
  });
  const SHRUNK = version('c2', {
    department: 'police',
    kind: 'household_registry',
    fileName: '户籍-空.csv',
    receivedAt: '2024-04-02T00:00:00Z',
    status: 'needs_confirmation',
    statusReason: '文件 户籍-空.csv 没有可用的数据行……',
    hold: { reason: 'needs_confirmation', previousRows: 8, previousVersionId: POLICE.versionId },
    quality: { ...quality, accepted: 0, rejected: 0, rowsRead: 0 },
  });

  beforeEach(async () => {
    versions = new MemoryVersions();
    for (const v of [CIVIL, POLICE, HELD, SHRUNK]) await versions.create(v);
    mappings = new MemoryColumnMappings();
    started = [];
    app = createApp({
      leads: new MemoryLeads(),
      versions,
      runs: new MemoryRuns(),
      pendingCollisions: new MemoryPendingCollisions(),
      executions: new MemoryWorkflowExecutions(),
      collisions: {
        start: async (reason, detail) => {
          started.push({ reason, detail });
          return `exec-${started.length}`;
        },
      },
      datasets: memoryDatasetDeps({ columnMappings: mappings }),
      now: () => NOW,
      workflow: memoryWorkflowDeps(),
      reports: memoryReportDeps(),
      disclosure: memoryDisclosureDeps(),
      authenticator: fakeAuthenticator,
      logError: () => {},
    });
  });

  const put = (who: keyof typeof PRINCIPALS, body: unknown) =>
    as(who, { method: 'PUT', body: JSON.stringify(body) });
  const errorOf = async (res: Response) =>
    ((await res.json()) as { error: { code: string; message: string } }).error;

  it('remembers a mapping per department and kind, and reads the held file again without a new upload', async () => {
    const res = await app.request(
      '/api/v1/column-mappings',
      put('police', { kind: 'vehicle_records', columns: { 号码一: 'owner_id', 号码二: 'ignore' } }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { mapping: Record<string, unknown>; reread: unknown[] };
    expect(body.mapping).toMatchObject({
      department: 'police',
      kind: 'vehicle_records',
      columns: { 号码一: 'owner_id', 号码二: 'ignore' },
      updatedBy: 'u-police',
      history: [
        { at: NOW, by: 'u-police', byName: '公安上传', columns: { 号码一: 'owner_id', 号码二: 'ignore' } },
      ],
    });
    expect(body.reread).toEqual([
      { versionId: HELD.versionId, fileName: '机动车.csv', executionId: 'exec-1' },
    ]);
    expect(started).toEqual([
      {
        reason: 'Version Mapping Applied',
        detail: {
          versionId: HELD.versionId,
          kind: 'vehicle_records',
          department: 'police',
          bucket: { name: 'uploads-bucket' },
          object: { key: 'uploads/police/vehicle_records/机动车.csv' },
        },
      },
    ]);

    const read = await app.request('/api/v1/column-mappings?kind=vehicle_records', as('police'));
    expect(await read.json()).toMatchObject({ columns: { 号码一: 'owner_id' } });
    // A later statement adds to the mapping and keeps the earlier one in the history.
    await app.request(
      '/api/v1/column-mappings',
      put('police', { kind: 'vehicle_records', columns: { 车号: 'plate' } }),
    );
    const again = (await (
      await app.request('/api/v1/column-mappings?kind=vehicle_records', as('police'))
    ).json()) as {
      columns: Record<string, string>;
      history: unknown[];
    };
    expect(again.columns).toEqual({ 号码一: 'owner_id', 号码二: 'ignore', 车号: 'plate' });
    expect(again.history).toHaveLength(2);
  });

  it('refuses a mapping to a column the kind does not have, in Chinese, naming the usable columns', async () => {
    const res = await app.request(
      '/api/v1/column-mappings',
      put('police', { kind: 'vehicle_records', columns: { 号码一: 'legal_rep_id' } }),
    );
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.message).toContain('legal_rep_id 不是机动车登记的列');
    expect(error.message).toContain('owner_id');
    expect(await mappings.get('police', 'vehicle_records')).toBeUndefined();
  });

  it('keeps departments to their own mappings (admins name the department)', async () => {
    const other = await app.request(
      '/api/v1/column-mappings',
      put('civil', { kind: 'vehicle_records', department: 'police', columns: { 号码一: 'owner_id' } }),
    );
    expect(other.status).toBe(403);
    const read = await app.request(
      '/api/v1/column-mappings?kind=vehicle_records&department=police',
      as('civil'),
    );
    expect(read.status).toBe(403);
    const admin = await app.request(
      '/api/v1/column-mappings',
      put('admin', { kind: 'vehicle_records', department: 'police', columns: { 号码一: 'owner_id' } }),
    );
    expect(admin.status).toBe(200);
  });

  it('restores a withdrawn version with a reason, in its history, and starts a collision run', async () => {
    await app.request(`/api/v1/versions/${CIVIL.versionId}/withdraw`, post('civil', { reason: '核查中' }));
    const res = await app.request(
      `/api/v1/versions/${CIVIL.versionId}/restore`,
      post('civil', { reason: '误撤回' }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: DatasetVersion; collision: unknown };
    expect(body.version.status).toBe('active');
    expect(body.version.statusReason).toBeUndefined();
    expect(body.version.history.map((e) => [e.action, e.by, e.reason])).toEqual([
      ['registered', 'civil-affairs', undefined],
      ['withdrawn', 'u-civil', '核查中'],
      ['restored', 'u-civil', '误撤回'],
    ]);
    expect(body.collision).toEqual({ executionId: 'exec-2' });
    expect(started.map((s) => s.reason)).toEqual(['Version Withdrawn', 'Version Restored']);
    // Only a withdrawn version can be restored.
    const again = await app.request(
      `/api/v1/versions/${CIVIL.versionId}/restore`,
      post('civil', { reason: '再恢复' }),
    );
    expect(again.status).toBe(409);
  });

  it('asks for the places to be read again when divisions are withdrawn or restored', async () => {
    const divisions = version('d1', { kind: 'divisions', fileName: '区划.csv' });
    await versions.create(divisions);
    const withdrawn = await app.request(
      `/api/v1/versions/${divisions.versionId}/withdraw`,
      post('civil', { reason: '区划有误' }),
    );
    expect(withdrawn.status).toBe(200);
    const restored = await app.request(
      `/api/v1/versions/${divisions.versionId}/restore`,
      post('civil', { reason: '核对无误' }),
    );
    expect(restored.status).toBe(200);
    const detail = { versionId: divisions.versionId, kind: 'divisions', department: 'civil-affairs' };
    expect(started).toEqual([
      { reason: PLACES_REQUEST, detail },
      { reason: PLACES_REQUEST, detail },
    ]);
  });

  it('confirms a held snapshot: it comes into force, replaces the previous one, and collision runs', async () => {
    const early = await app.request(
      `/api/v1/versions/${SHRUNK.versionId}/confirm`,
      post('police', { reason: '' }),
    );
    expect(early.status).toBe(400);
    const res = await app.request(
      `/api/v1/versions/${SHRUNK.versionId}/confirm`,
      post('police', { reason: '本季度户籍已全部迁出' }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: DatasetVersion };
    expect(body.version).toMatchObject({ status: 'active' });
    expect(body.version.hold).toBeUndefined();
    expect(body.version.history.at(-1)).toMatchObject({
      action: 'confirmed',
      reason: '本季度户籍已全部迁出',
    });
    expect((await versions.get(POLICE.versionId))?.status).toBe('replaced');
    expect(started.map((s) => s.reason)).toEqual(['Version Confirmed']);
    // A version waiting for a mapping is not confirmed: it says what to do instead.
    const held = await app.request(
      `/api/v1/versions/${HELD.versionId}/confirm`,
      post('police', { reason: '确认' }),
    );
    expect(held.status).toBe(409);
    expect((await errorOf(held)).message).toContain('请先指定列映射');
  });

  it('will not restore a snapshot over a newer one in force', async () => {
    await versions.save({
      ...POLICE,
      status: 'withdrawn',
      history: [...POLICE.history, { at: NOW, action: 'withdrawn', by: 'u-police' }],
    });
    await versions.save({ ...SHRUNK, status: 'active' });
    const res = await app.request(
      `/api/v1/versions/${POLICE.versionId}/restore`,
      post('police', { reason: '误撤回' }),
    );
    expect(res.status).toBe(409);
    expect((await errorOf(res)).message).toContain('请重新上传该文件');
    expect((await versions.get(POLICE.versionId))?.status).toBe('withdrawn');
  });

  it('remembers a mapping stated with an upload request, before the URL is handed out', async () => {
    const bad = await app.request(
      '/api/v1/uploads',
      post('police', {
        kind: 'vehicle_records',
        fileName: '6月.csv',
        size: 100,
        columns: { 号码一: 'amount' },
      }),
    );
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toContain('amount 不是机动车登记的列');
    const res = await app.request(
      '/api/v1/uploads',
      post('police', {
        kind: 'vehicle_records',
        fileName: '6月.csv',
        size: 100,
        columns: { 号码一: 'owner_id' },
      }),
    );
    expect(res.status).toBe(201);
    expect((await mappings.get('police', 'vehicle_records'))?.columns).toEqual({ 号码一: 'owner_id' });
  });

  it('lists held versions by status', async () => {
    const res = await app.request('/api/v1/versions?status=needs_mapping', as('police'));
    expect(((await res.json()) as { items: DatasetVersion[] }).items.map((v) => v.versionId)).toEqual([
      HELD.versionId,
    ]);
  });
});
