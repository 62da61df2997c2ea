import { randomUUID } from 'node:crypto';
import { loadProgress } from '@jiandu/domain/datasets/board';
import type { CadenceConfig } from '@jiandu/domain/datasets/cadence';
import {
  type ColumnMappingRepository,
  mergeColumnMapping,
  REPROCESS_REQUEST,
} from '@jiandu/domain/datasets/column-mappings';
import {
  confirmHeldVersion,
  MAX_REASON_LENGTH,
  noteReplacementRequested,
  replaceSnapshot,
  restoreVersion,
  snapshotSuccession,
  type UploadRequest,
  uploadKeyFor,
  validateUploadFileName,
  withdrawVersion,
} from '@jiandu/domain/datasets/corrections';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@jiandu/domain/errors';
import {
  DATASET_KINDS,
  type DatasetKind,
  isSnapshotKind,
  KIND_LABELS,
  PLACES_REQUEST,
} from '@jiandu/domain/kinds';
import type { LatenessRepository, ObjectStore, UploadUrlSigner } from '@jiandu/domain/ports';
import { changeVersion, type DatasetVersion, VERSION_STATUSES, versionOrder } from '@jiandu/domain/versions';
import { columnMappingProblems } from '@jiandu/ingest/mapping';
import type { Context } from 'hono';
import * as z from 'zod';
import { type Access, assertDepartment, departmentScope, type Principal, requirePrincipal } from '../auth.js';
import { recordAudit } from './audit.js';
import { DepartmentCode, Flag, VersionId } from './schemas.js';
import {
  type ApiDeps,
  type AppEnv,
  callerQuery,
  clockOf,
  parse,
  parseBody,
  type RouteSpec,
} from './types.js';

/** What the department routes need beyond the repositories every route has. */
export interface DatasetApiDeps {
  /** Where rejects files are read from. */
  readonly objects: ObjectStore;
  readonly buckets: { readonly upload: string; readonly data: string };
  /** Presigns PUTs to the upload bucket. */
  readonly uploadUrls: UploadUrlSigner;
  readonly lateness: LatenessRepository;
  /** Expected upload cadence per kind (env `CADENCE_CONFIG` over the defaults). */
  readonly cadence: CadenceConfig;
  /** Departments' remembered column mappings (`PUT /api/v1/column-mappings`). */
  readonly columnMappings: ColumnMappingRepository;
}

/** Who may read department data: the department itself, and county-wide staff. */
export const DATA_READERS: Access = ['department_uploader', 'inspector', 'admin'];
/** Who may change department data: the department itself (CONTRACT.md §4), and admins. */
export const DATA_OWNERS: Access = ['department_uploader', 'admin'];

/** How long a presigned upload URL works. */
export const UPLOAD_URL_SECONDS = 15 * 60;
/** The largest raw file a department may upload (a million-row roster is ~100 MiB as CSV). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

const VersionQuery = z.object({
  department: DepartmentCode.optional(),
  kind: z.enum(DATASET_KINDS).optional(),
  status: z.enum(VERSION_STATUSES).optional(),
});
const VersionIdParam = z.object({ versionId: VersionId });
const reason = z.string().trim().min(2, '须说明原因（至少 2 个字）').max(MAX_REASON_LENGTH);
const WithdrawBody = z.strictObject({ reason });
/** File header → canonical column (or `ignore`). */
const mappedColumns = z
  .record(z.string().trim().min(1).max(100), z.string().trim().min(1).max(40))
  .refine((c) => Object.keys(c).length > 0 && Object.keys(c).length <= 50, {
    message: '须映射 1 至 50 个列名',
  });
const MappingBody = z.strictObject({
  kind: z.enum(DATASET_KINDS),
  department: DepartmentCode.optional(),
  columns: mappedColumns,
});
const MappingQuery = z.object({ kind: z.enum(DATASET_KINDS), department: DepartmentCode.optional() });
const UploadBody = z
  .strictObject({
    kind: z.enum(DATASET_KINDS),
    fileName: z.string().max(200),
    /** The file's exact size in bytes: signed into the URL, so nothing larger or different goes up. */
    size: z
      .number()
      .int()
      .min(1, '文件为空')
      .max(MAX_UPLOAD_BYTES, `文件不能超过 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`),
    department: DepartmentCode.optional(),
    replaces: VersionId.optional(),
    reason: reason.optional(),
    /** A column mapping stated with the upload: remembered for the department's kind. */
    columns: mappedColumns.optional(),
  })
  .refine((b) => !b.replaces || b.reason, { message: '替换版本须说明原因', path: ['reason'] });
const ProgressQuery = z.object({
  department: DepartmentCode.optional(),
  kind: z.enum(DATASET_KINDS).optional(),
  overdue: Flag.optional(),
});

function principalOf(c: Context<AppEnv>): Principal {
  return requirePrincipal(c.get('principal'));
}

/** The department a principal may act for: their own, or (admins) the one they name. */
function actingDepartment(principal: Principal, requested: string | undefined): string {
  if (principal.roles.includes('admin')) {
    if (requested) return requested;
    if (principal.department) return principal.department;
    throw new ForbiddenError('管理员代部门操作时必须指定部门（department）');
  }
  if (!principal.department) throw new ForbiddenError('账号未绑定部门，无法上传数据');
  if (requested && requested !== principal.department) throw new ForbiddenError('只能为本部门上传数据');
  return principal.department;
}

/** A version the principal may see; another department's is "not found", so ids can't be probed. */
async function visibleVersion(
  deps: ApiDeps,
  principal: Principal,
  versionId: string,
): Promise<DatasetVersion> {
  const version = await deps.versions.get(versionId);
  if (!version) throw new NotFoundError('Dataset version');
  assertDepartment(principal, version.department, 'Dataset version');
  return version;
}

/** The version named in the path, if the caller may see it. */
async function versionInPath(deps: ApiDeps, c: Context<AppEnv>) {
  const { versionId } = parse(VersionIdParam, c.req.param(), 'path');
  const principal = principalOf(c);
  return { versionId, principal, version: await visibleVersion(deps, principal, versionId) };
}

/** A version as departments see it: the record plus its label and where its rejects file is. */
function versionView(v: DatasetVersion) {
  return {
    ...v,
    kindLabel: KIND_LABELS[v.kind],
    links: {
      self: `/api/v1/versions/${v.versionId}`,
      rejects: v.rejectsKey ? `/api/v1/versions/${v.versionId}/rejects` : null,
    },
  };
}

async function listVersions(deps: ApiDeps, department: string | undefined, kind: DatasetKind | undefined) {
  const kinds = kind ? [kind] : DATASET_KINDS;
  const lists = await Promise.all(
    kinds.map((k) => (department ? deps.versions.listOfDataset(department, k) : deps.versions.listOfKind(k))),
  );
  return lists.flat().sort((a, b) => versionOrder(a).localeCompare(versionOrder(b)));
}

/** Content-Disposition for a download with a Chinese file name (RFC 6266 / 5987). */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** A collision (or re-read) request: its execution, or why it could not start now. */
type RunStart = { executionId: string } | { started: false; message: string };

/**
 * Start a workflow run about a version. A failure to start is reported, not thrown: the change
 * already stands, and the nightly run applies it too.
 */
async function startRun(
  deps: ApiDeps,
  reason: string,
  version: DatasetVersion,
  extra: Record<string, unknown> = {},
): Promise<RunStart> {
  try {
    return {
      executionId: await deps.collisions.start(reason, {
        versionId: version.versionId,
        kind: version.kind,
        department: version.department,
        ...extra,
      }),
    };
  } catch (error) {
    deps.logError?.(error instanceof Error ? error : new Error(String(error)));
    return { started: false, message: '碰撞任务暂未启动，将在夜间碰撞时生效' };
  }
}

/**
 * The request that follows a version coming into or leaving force through the API: a collision
 * run, or for divisions first the re-read of what they place differently (the workflow marks
 * those kinds and the burst's collision follows).
 */
function requestAfter(version: DatasetVersion, reason: string): string {
  return version.kind === 'divisions' ? PLACES_REQUEST : reason;
}

/**
 * Department data (CONTRACT.md §4): a department sees, withdraws and replaces its own
 * versions; inspectors and admins see every department's. Plus the data-entry progress board.
 */
export function datasetRoutes(deps: ApiDeps): RouteSpec[] {
  const { datasets } = deps;
  const now = clockOf(deps);

  /**
   * Save a version that comes back into force (restored, confirmed): a snapshot replaces the
   * department's other snapshot in force — unless a newer one is in force (409) — and collision runs.
   */
  const bringIntoForce = async (c: Context<AppEnv>, version: DatasetVersion, reason: string) => {
    const { newest, older } = isSnapshotKind(version.kind)
      ? snapshotSuccession(version, await deps.versions.listOfDataset(version.department, version.kind))
      : { newest: version, older: [] };
    if (newest.versionId !== version.versionId)
      throw new ConflictError(
        `本部门较新的${KIND_LABELS[version.kind]}版本 ${newest.versionId} 正在生效；如要使用此版本，请重新上传该文件`,
      );
    // Saved only over the revision read: a change landing meanwhile answers 409.
    const saved = await deps.versions.save(version);
    for (const v of older)
      await changeVersion(deps.versions, v, (current) => replaceSnapshot(current, newest, now()));
    const collision = await startRun(deps, requestAfter(version, reason), version);
    return c.json({ version: versionView(saved), collision });
  };

  /** Check and remember a department's stated column mapping (400 naming every bad header). */
  const rememberMapping = async (
    owner: string,
    kind: DatasetKind,
    columns: Record<string, string>,
    principal: Principal,
  ) => {
    const problems = columnMappingProblems(kind, columns);
    if (problems.length > 0)
      throw new ValidationError(`列映射有误：${problems.join('；')}`, { field: 'columns', problems });
    const current = await datasets.columnMappings.get(owner, kind);
    const mapping = mergeColumnMapping(current, owner, kind, columns, principal, now());
    await datasets.columnMappings.save(mapping);
    return mapping;
  };

  /** `POST /versions/:id/{action}` `{reason}`: the department brings its version into force. */
  const versionAction = (
    action: 'restore' | 'confirm',
    summary: string,
    transition: (v: DatasetVersion, actor: Principal, reason: string, at: string) => DatasetVersion,
    runReason: string,
  ): RouteSpec => ({
    method: 'POST',
    path: `/api/v1/versions/:versionId/${action}`,
    access: DATA_OWNERS,
    summary,
    request: { body: WithdrawBody },
    handle: async (c) => {
      // Jurisdiction first: another department's version is a 404 whatever the body.
      const { principal, version } = await versionInPath(deps, c);
      const body = await parseBody(WithdrawBody, c);
      actingDepartment(principal, version.department);
      return bringIntoForce(c, transition(version, principal, body.reason, now()), runReason);
    },
  });

  return [
    {
      method: 'GET',
      path: '/api/v1/versions',
      access: DATA_READERS,
      summary:
        'Dataset versions in upload order (own department for uploaders), with quality reports and history',
      request: { query: VersionQuery },
      handle: async (c) => {
        const { principal, q } = callerQuery(c, VersionQuery);
        const versions = await listVersions(deps, departmentScope(principal, q.department), q.kind);
        const items = q.status ? versions.filter((v) => v.status === q.status) : versions;
        return c.json({ items: items.map(versionView) });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/versions/:versionId',
      access: DATA_READERS,
      summary: 'One dataset version: quality report, status and history',
      handle: async (c) => {
        return c.json(versionView((await versionInPath(deps, c)).version));
      },
    },
    {
      method: 'GET',
      path: '/api/v1/versions/:versionId/rejects',
      access: DATA_READERS,
      summary: "Download a version's rejected rows (original cells + reason) as CSV, UTF-8 with BOM",
      handle: async (c) => {
        const { version } = await versionInPath(deps, c);
        if (!version.rejectsKey) throw new NotFoundError('Rejects file (no rows were rejected)');
        const bytes = await datasets.objects.getBytes(datasets.buckets.data, version.rejectsKey);
        if (!bytes) throw new NotFoundError('Rejects file');
        // The rows hold names and ID numbers: the download is on the audit log before any byte leaves.
        await recordAudit(deps, c, 'rejects.download', { versionId: version.versionId });
        const base = version.fileName.replace(/\.(csv|xlsx)$/i, '');
        return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': attachment(`${base}-被拒绝的行.csv`),
        });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/versions/:versionId/withdraw',
      access: DATA_OWNERS,
      summary: 'Withdraw a version with a reason; a collision run then supersedes leads that relied on it',
      request: { body: WithdrawBody },
      handle: async (c) => {
        // Jurisdiction first: another department's version is a 404 whatever the body.
        const { versionId, principal, version } = await versionInPath(deps, c);
        const body = await parseBody(WithdrawBody, c);
        actingDepartment(principal, version.department);
        const next = withdrawVersion(version, principal, body.reason, now());
        await recordAudit(deps, c, 'version.withdraw', { versionId, reason: body.reason });
        // Saved only over the revision read above: a replacement landing meanwhile answers 409.
        const withdrawn = await deps.versions.save(next);
        // The withdrawal stands even if the run can't start now: the nightly run applies it too.
        const collision = await startRun(deps, requestAfter(version, 'Version Withdrawn'), version);
        return c.json({ version: versionView(withdrawn), collision });
      },
    },
    versionAction(
      'restore',
      'Bring a withdrawn version back into force with a reason; a collision run follows',
      restoreVersion,
      'Version Restored',
    ),
    versionAction(
      'confirm',
      'Confirm a snapshot held because it shrinks the data in force; it comes into force and collision runs',
      confirmHeldVersion,
      'Version Confirmed',
    ),
    {
      method: 'GET',
      path: '/api/v1/column-mappings',
      access: DATA_READERS,
      summary: "A department's remembered column mapping of one kind, with its history",
      request: { query: MappingQuery },
      handle: async (c) => {
        const { principal, q } = callerQuery(c, MappingQuery);
        const owner = departmentScope(principal, q.department);
        if (!owner) throw new ValidationError('请指定部门（department）');
        const mapping = await datasets.columnMappings.get(owner, q.kind);
        return c.json(mapping ?? { department: owner, kind: q.kind, columns: {}, history: [] });
      },
    },
    {
      method: 'PUT',
      path: '/api/v1/column-mappings',
      access: DATA_OWNERS,
      summary:
        "State which file header is which column for a department's kind; held and rejected files of it are read again",
      request: { body: MappingBody },
      handle: async (c) => {
        const body = await parseBody(MappingBody, c);
        const principal = principalOf(c);
        const owner = actingDepartment(principal, body.department);
        const mapping = await rememberMapping(owner, body.kind, body.columns, principal);
        // Files waiting for this mapping are read again without a new upload.
        const waiting = (await deps.versions.listOfDataset(owner, body.kind)).filter(
          (v) => v.status === 'needs_mapping' || v.status === 'rejected',
        );
        const reread = await Promise.all(
          waiting.map(async (v) => ({
            versionId: v.versionId,
            fileName: v.fileName,
            ...(await startRun(deps, REPROCESS_REQUEST, v, {
              bucket: { name: v.rawBucket },
              object: { key: v.rawKey },
            })),
          })),
        );
        return c.json({ mapping, reread });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/uploads',
      access: DATA_OWNERS,
      summary: 'A presigned S3 PUT URL for a new file (or a replacement of a version) of your department',
      request: { body: UploadBody },
      handle: async (c) => {
        const body = await parseBody(UploadBody, c);
        const principal = principalOf(c);
        const owner = actingDepartment(principal, body.department);
        const fileName = validateUploadFileName(body.fileName);
        const key = uploadKeyFor(owner, body.kind, fileName);
        const replaced = body.replaces ? await visibleVersion(deps, principal, body.replaces) : undefined;
        // The raw file is evidence: a name already used is never overwritten.
        if (await datasets.objects.exists(datasets.buckets.upload, key))
          throw new ConflictError(`本部门已上传过同名文件 ${fileName}，请换一个文件名（原文件作为证据保留）`);
        const requestedAt = now();
        const request: UploadRequest = {
          key,
          requestId: randomUUID(),
          department: owner,
          kind: body.kind,
          fileName,
          requestedBy: principal.subject,
          ...(principal.name ? { requestedByName: principal.name } : {}),
          requestedAt,
          expiresAt: new Date(Date.parse(requestedAt) + UPLOAD_URL_SECONDS * 1000).toISOString(),
          ...(body.replaces ? { replaces: body.replaces } : {}),
          ...(body.reason ? { reason: body.reason } : {}),
        };
        const noted = replaced ? noteReplacementRequested(replaced, request, requestedAt) : undefined;
        // Stated before the URL is handed out, so the file is read under it when it arrives.
        if (body.columns) await rememberMapping(owner, body.kind, body.columns, principal);
        // Signed with `If-None-Match: *` and the exact length: the URL can create this object
        // once, with this size, and can never overwrite it (not even by reusing the URL).
        const signed = await datasets.uploadUrls.presignPut(key, UPLOAD_URL_SECONDS, {
          contentLength: body.size,
        });
        await recordAudit(deps, c, 'upload.presign', {
          uploadKey: key,
          ...(body.replaces ? { versionId: body.replaces } : {}),
        });
        await deps.versions.recordUploadRequest(request);
        if (noted) await deps.versions.save(noted);
        return c.json(
          {
            method: 'PUT',
            url: signed.url,
            /** Send exactly these headers with the PUT (they are part of the signature). */
            headers: signed.headers,
            key,
            department: owner,
            kind: body.kind,
            fileName,
            expiresAt: request.expiresAt,
            replaces: request.replaces ?? null,
          },
          201,
        );
      },
    },
    {
      method: 'GET',
      path: '/api/v1/progress',
      access: DATA_READERS,
      summary: 'Data-entry progress per department and kind: received, rows, error rate, due, overdue',
      request: { query: ProgressQuery },
      handle: async (c) => {
        const { principal, q } = callerQuery(c, ProgressQuery);
        const wanted = departmentScope(principal, q.department);
        const asOf = now();
        const board = await loadProgress(
          { versions: deps.versions, lateness: datasets.lateness },
          datasets.cadence,
          asOf,
        );
        const items = board.filter(
          (e) =>
            (!wanted || e.department === wanted) &&
            (!q.kind || e.kind === q.kind) &&
            (q.overdue === undefined || e.overdue === q.overdue),
        );
        return c.json({ asOf, items });
      },
    },
  ];
}
