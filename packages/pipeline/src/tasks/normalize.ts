import { createHash } from 'node:crypto';
import { replaceOnRequest, type UploadRequest } from '@jiandu/domain/datasets/corrections';
import { type DatasetKind, isDatasetKind, isSnapshotKind } from '@jiandu/domain/kinds';
import type { NormalizedRow, RejectedRow } from '@jiandu/domain/model';
import { changeVersion, type DatasetVersion, type FileError, versionOrder } from '@jiandu/domain/versions';
import { FileRejectedError, ingestFile } from '@jiandu/ingest';
import type { NormalizeInput, NormalizeOutput } from '../contracts.js';
import type { NormalizeDeps } from '../deps.js';
import { divisionIndexFor } from '../divisions.js';
import { rejectsToCsv } from '../rejects.js';
import { encodeRows, rejectsKey, SHARD_COUNT, shardKey, shardOf } from '../shards.js';

/** Where an upload belongs, read from its key `uploads/{department}/{kind}/{file}`. */
export interface UploadLocation {
  readonly department: string;
  readonly kind: DatasetKind;
  readonly fileName: string;
}

/** Thrown for keys that don't follow the upload layout: the execution fails with this cause. */
export class UploadKeyError extends Error {
  constructor(key: string, reason: string) {
    super(`上传路径不符合 uploads/{部门}/{数据类型}/{文件名}：${key}（${reason}）`);
    this.name = 'UploadKeyError';
  }
}

/** Parse an upload key. Department codes are lower-case ASCII (`civil-affairs`, `township-431199100`). */
export function parseUploadKey(key: string): UploadLocation {
  const parts = key.split('/');
  if (parts.length < 4 || parts[0] !== 'uploads') throw new UploadKeyError(key, '层级不足');
  const [, department = '', kind = ''] = parts;
  const fileName = parts.slice(3).join('/');
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(department))
    throw new UploadKeyError(key, `部门代码无效：${department}`);
  if (!isDatasetKind(kind)) throw new UploadKeyError(key, `未知数据类型：${kind}`);
  if (!fileName) throw new UploadKeyError(key, '缺少文件名');
  return { department, kind, fileName };
}

/**
 * The uploaded object's ETag. EventBridge's Object Created events carry the key as stored
 * (unlike S3's SQS/SNS/Lambda notifications, they don't URL-encode it), so it is used as is.
 */
async function uploadedEtag(deps: NormalizeDeps, bucket: string, key: string): Promise<string> {
  const etag = await deps.objects.etag(bucket, key);
  if (etag === undefined) throw new Error(`Uploaded object not found: s3://${bucket}/${key}`);
  return etag;
}

// Lives in its own module so the API can route reports by division without bundling ingest.
export { divisionIndexFor } from '../divisions.js';

/** The version id: the same department, kind and bytes always give the same id. */
export function versionIdFor(department: string, kind: string, fileHash: string): string {
  return `v-${createHash('sha256').update(`${department}|${kind}|${fileHash}`).digest('hex').slice(0, 24)}`;
}

async function hashStream(body: AsyncIterable<Uint8Array>): Promise<{ hash: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { hash: hash.digest('hex'), size };
}

/**
 * Workflow step 1: turn one uploaded file into a dataset version.
 *
 * Idempotent: S3 events arrive at least once and out of order, and departments re-upload
 * the same file; the version id derives from the bytes, so a repeat is a no-op. The raw
 * file is only read, never changed. Accepted rows go to ID-hash shards in the data bucket,
 * rejected rows to a rejects file; a newer snapshot replaces the department's older one.
 */
export async function normalizeUpload(deps: NormalizeDeps, input: NormalizeInput): Promise<NormalizeOutput> {
  const { key } = input;
  const etag = await uploadedEtag(deps, input.bucket, key);
  // Both reads pin the ETag: if the key is overwritten in between, the hash and the rows
  // would come from different files. The newer upload has its own event.
  const { hash, size } = await hashStream(deps.objects.stream(input.bucket, key, etag));

  // A key outside the upload layout fails the execution with a clear cause; the raw file stays.
  const location = parseUploadKey(key);

  const versionId = versionIdFor(location.department, location.kind, hash);
  const existing = await deps.versions.get(versionId);
  if (existing) {
    deps.log.info('upload already ingested', { versionId, key, status: existing.status });
    return output('duplicate', existing);
  }

  const shards: NormalizedRow[][] = Array.from({ length: SHARD_COUNT }, () => []);
  const rejected: RejectedRow[] = [];
  const divisions = location.kind === 'divisions' ? undefined : await divisionIndexFor(deps);
  let result: Awaited<ReturnType<typeof ingestFile>>;
  try {
    result = await ingestFile(
      location.kind,
      { fileName: location.fileName, body: deps.objects.stream(input.bucket, key, etag) },
      {
        accept: (row) => {
          shards[shardOf(row, location.kind)]?.push(row);
        },
        reject: (row) => {
          rejected.push(row);
        },
      },
      divisions ? { divisions } : {},
    );
  } catch (error) {
    if (!(error instanceof FileRejectedError)) throw error;
    return rejectVersion(deps, input, location, hash, size, {
      code: error.code,
      message: error.message,
      ...(error.details.expected ? { expected: error.details.expected } : {}),
      ...(error.details.found ? { found: error.details.found } : {}),
    });
  }

  // Shards first, record last: a version is only visible once its rows are all stored.
  await Promise.all(
    shards.map((rows, shard) =>
      rows.length > 0
        ? deps.objects.put(
            deps.buckets.data,
            shardKey(versionId, shard),
            encodeRows(rows),
            'application/x-ndjson',
          )
        : undefined,
    ),
  );
  if (rejected.length > 0) {
    await deps.objects.put(
      deps.buckets.data,
      rejectsKey(versionId),
      rejectsToCsv(rejected),
      'text/csv; charset=utf-8',
    );
  }

  const now = deps.now();
  // Uploads through a presigned URL name the person who asked for it (and what it replaces).
  const request = await deps.versions.latestUploadRequest(key, now);
  const version: DatasetVersion = {
    versionId,
    department: location.department,
    kind: location.kind,
    fileName: location.fileName,
    rawBucket: input.bucket,
    rawKey: key,
    fileHash: hash,
    size,
    receivedAt: input.eventTime,
    registeredAt: now,
    status: 'active',
    quality: result.quality,
    columns: result.columns,
    shardRows: shards.map((rows) => rows.length),
    coverage: result.coverage,
    ...(rejected.length > 0 ? { rejectsKey: rejectsKey(versionId) } : {}),
    history: [registeredEvent(now, location.department, request)],
  };
  if (!(await deps.versions.create(version))) {
    const winner = await deps.versions.get(versionId);
    return output('duplicate', winner ?? version);
  }
  if (request?.replaces) await applyRequestedReplacement(deps, version, request);
  const final = isSnapshotKind(location.kind) ? await applySnapshotReplacement(deps, version) : version;
  deps.log.info('dataset version registered', {
    versionId,
    department: location.department,
    kind: location.kind,
    accepted: result.quality.accepted,
    rejected: result.quality.rejected,
    status: final.status,
  });
  return output('registered', final);
}

function registeredEvent(now: string, department: string, request: UploadRequest | undefined) {
  if (!request) return { at: now, action: 'registered' as const, by: department };
  return {
    at: now,
    action: 'registered' as const,
    by: request.requestedBy,
    ...(request.requestedByName ? { byName: request.requestedByName } : {}),
    ...(request.reason ? { reason: request.reason } : {}),
    ...(request.replaces ? { replacement: request.replaces } : {}),
  };
}

/**
 * The department uploaded this file as the replacement of one of its versions: that version
 * leaves the collision whatever its kind (an append version too, even where the coverage differs).
 */
async function applyRequestedReplacement(
  deps: NormalizeDeps,
  version: DatasetVersion,
  request: UploadRequest,
): Promise<void> {
  const old = request.replaces ? await deps.versions.get(request.replaces) : undefined;
  const replaced =
    old &&
    (await changeVersion(deps.versions, old, (v) => replaceOnRequest(v, version, request, deps.now())));
  if (!replaced) return;
  deps.log.info('dataset version replaced on request', {
    versionId: replaced.versionId,
    replacedBy: version.versionId,
  });
}

/**
 * A snapshot replaces the department's previous snapshot of the same kind. "Newest" is by
 * S3 receive time, not by processing order, so an old file whose event arrives late does
 * not displace a newer one.
 */
async function applySnapshotReplacement(
  deps: NormalizeDeps,
  version: DatasetVersion,
): Promise<DatasetVersion> {
  const active = (await deps.versions.listOfDataset(version.department, version.kind)).filter(
    (v) => v.status === 'active',
  );
  const newest = active.reduce<DatasetVersion>(
    (best, v) => (versionOrder(v) > versionOrder(best) ? v : best),
    version,
  );
  const now = deps.now();
  let self = version;
  for (const v of active) {
    if (v.versionId === newest.versionId) continue;
    // Re-decided on a fresh read if the version changed meanwhile (e.g. it was withdrawn).
    const replaced = await changeVersion(deps.versions, v, (current) =>
      current.status === 'active'
        ? {
            ...current,
            status: 'replaced',
            replacedBy: newest.versionId,
            statusReason: `被新版本 ${newest.fileName}（${newest.versionId}）替换`,
            history: [
              ...current.history,
              { at: now, action: 'replaced', by: 'system', reason: `replaced by ${newest.versionId}` },
            ],
          }
        : undefined,
    );
    if (replaced && v.versionId === version.versionId) self = replaced;
  }
  return self;
}

async function rejectVersion(
  deps: NormalizeDeps,
  input: NormalizeInput,
  location: UploadLocation,
  hash: string,
  size: number,
  error: FileError,
): Promise<NormalizeOutput> {
  const now = deps.now();
  const version: DatasetVersion = {
    versionId: versionIdFor(location.department, location.kind, hash),
    department: location.department,
    kind: location.kind,
    fileName: location.fileName,
    rawBucket: input.bucket,
    rawKey: input.key,
    fileHash: hash,
    size,
    receivedAt: input.eventTime,
    registeredAt: now,
    status: 'rejected',
    statusReason: error.message,
    shardRows: [],
    coverage: [],
    error,
    history: [{ at: now, action: 'rejected', by: 'system', reason: error.message }],
  };
  const created = await deps.versions.create(version);
  deps.log.warn('upload rejected', { versionId: version.versionId, key: input.key, code: error.code });
  return output(created ? 'rejected' : 'duplicate', version);
}

function output(outcome: NormalizeOutput['outcome'], v: DatasetVersion): NormalizeOutput {
  return {
    outcome,
    versionId: v.versionId,
    department: v.department,
    kind: v.kind,
    accepted: v.quality?.accepted ?? 0,
    rejected: v.quality?.rejected ?? 0,
    ...(v.error ? { error: v.error.message } : {}),
  };
}
