import { createHash } from 'node:crypto';
import { whileReceiving } from '@jiandu/domain/collision-burst';
import type { ColumnMapping } from '@jiandu/domain/datasets/column-mappings';
import {
  replaceOnRequest,
  replaceSnapshot,
  restoreVersion,
  snapshotSuccession,
  type UploadRequest,
  withdrawnAt,
} from '@jiandu/domain/datasets/corrections';
import {
  DATASET_KINDS,
  type DatasetKind,
  isDatasetKind,
  isSnapshotKind,
  KIND_LABELS,
  resolvesPlaces,
} from '@jiandu/domain/kinds';
import { pool } from '@jiandu/domain/pool';
import { RevisionConflictError } from '@jiandu/domain/ports';
import {
  changeVersion,
  type DatasetVersion,
  type FileError,
  type VersionHold,
  versionOrder,
} from '@jiandu/domain/versions';
import {
  FileRejectedError,
  type IngestOptions,
  type IngestResult,
  ingestFile,
  NeedsMappingError,
} from '@jiandu/ingest';
import {
  type NormalizeInput,
  type NormalizeOutput,
  NormalizeTaskInput,
  type ResolvePlacesInput,
  type ResolvePlacesOutput,
} from '../contracts.js';
import { DEFAULT_SNAPSHOT_SHRINK_LIMIT, type NormalizeDeps } from '../deps.js';
import { divisionsInForce, divisionsKey } from '../divisions.js';
import { RejectsWriter } from '../rejects.js';
import { ShardWriter } from '../shard-writer.js';
import { rejectsKey, SHARD_COUNT, shardKey, shardOf } from '../shards.js';

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

/**
 * The upload's bytes, read once: hashed as the reader consumes them. `finish` reads on to the
 * end whatever the reader left (a file refused at its header) and gives the hash and size.
 */
function hashedBody(body: AsyncIterable<Uint8Array>) {
  const hash = createHash('sha256');
  const iterator = body[Symbol.asyncIterator]();
  let size = 0;
  let ended = false;
  const next = async (): Promise<IteratorResult<Uint8Array>> => {
    const chunk = await iterator.next();
    if (chunk.done) ended = true;
    else {
      hash.update(chunk.value);
      size += chunk.value.byteLength;
    }
    return chunk;
  };
  return {
    // The reader stopping early must not end the S3 stream: `finish` goes on reading it.
    chunks: {
      async *[Symbol.asyncIterator]() {
        while (true) {
          const chunk = await next();
          if (chunk.done) return;
          yield chunk.value;
        }
      },
    } satisfies AsyncIterable<Uint8Array>,
    async finish(): Promise<{ hash: string; size: number }> {
      while (!ended) await next();
      return { hash: hash.digest('hex'), size };
    },
  };
}

/**
 * Workflow step 1: turn one uploaded file into a dataset version.
 *
 * Idempotent: S3 events arrive at least once and out of order, and departments re-upload
 * the same file; the version id derives from the bytes, so a repeat is a no-op — except that
 * a withdrawn version's bytes uploaded again after the withdrawal bring it back into force,
 * and a version held for a column mapping is read again under the department's mapping. The
 * raw file is only read, never changed. Accepted rows go to ID-hash shards in the data bucket,
 * rejected rows to a rejects file; a newer snapshot replaces the department's older one, unless
 * it would shrink the department's data by more than the configured share (then it is held).
 */
export async function normalizeUpload(deps: NormalizeDeps, input: NormalizeInput): Promise<NormalizeOutput> {
  // While the file is read the burst it belongs to goes on (no collision competes with it).
  const upload = createHash('sha256').update(`${input.bucket}/${input.key}`).digest('hex').slice(0, 32);
  return whileReceiving(deps.pending, upload, deps.now, async () => {
    const read = await readUpload(deps, input);
    if (read.outcome === 'registered') {
      const resolved = await resolvePlacesAgain(deps, read);
      return { ...read, kinds: [...new Set([read.kind, ...resolved])].sort() };
    }
    if (read.outcome === 'duplicate') {
      // Bytes registered before: a repeated event, or the retry of a try that failed after it
      // registered them (a transient fault, a crash) — before it replaced what they replace or
      // put their places in step (divisions that came into force while it read were never seen
      // by it, nor it by their Normalize). What is left undone is done now, and the kinds it
      // changes are marked here, as the workflow's way ends without RecordPending.
      const changed = new Set([
        ...(await replaceAgain(deps, input, read)),
        ...(await resolvePlacesAgain(deps, read)),
      ]);
      if (changed.size > 0) await deps.pending.mark([...changed].sort(), deps.now());
    }
    return read;
  });
}

/**
 * Workflow step on a `PLACES_REQUEST` (divisions withdrawn, restored or confirmed through the
 * API): every version in force whose places were resolved against other divisions is read again
 * under those in force now, as after a divisions upload, and `divisions` with the kinds read
 * again are marked pending, so the burst's collision runs their rules. Idempotent: a repeat
 * finds nothing stale and only marks `divisions` again.
 */
export async function resolvePlaces(
  deps: NormalizeDeps,
  input: ResolvePlacesInput,
): Promise<ResolvePlacesOutput> {
  // Held like an upload being read: the burst's collision waits for the places to settle.
  const request = createHash('sha256').update(`places|${input.eventTime}`).digest('hex').slice(0, 32);
  return whileReceiving(deps.pending, request, deps.now, async () => {
    const { kinds, versions } = await readStaleAgain(deps, await placedVersions(deps));
    const marked = (['divisions', ...kinds] as DatasetKind[]).sort();
    await deps.pending.mark(marked, deps.now());
    return { kinds: marked, versions };
  });
}

/**
 * The `Normalize` function: an upload to read, or (`resolvePlaces`) the places to resolve again.
 * `uploadBucket`: the only bucket it may read uploads from (said plainly instead of an S3 access error).
 */
export function normalizeTask(
  deps: NormalizeDeps,
  event: unknown,
  uploadBucket?: string,
): Promise<NormalizeOutput | ResolvePlacesOutput> {
  const input = NormalizeTaskInput.parse(event);
  if ('resolvePlaces' in input) return resolvePlaces(deps, input);
  if (uploadBucket !== undefined && input.bucket !== uploadBucket)
    throw new Error(`Normalize reads uploads from ${uploadBucket} only, not from ${input.bucket}`);
  return normalizeUpload(deps, input);
}

async function readUpload(deps: NormalizeDeps, input: NormalizeInput): Promise<NormalizeOutput> {
  const { key } = input;
  // A key outside the upload layout fails the execution with a clear cause; the raw file stays.
  const location = parseUploadKey(key);
  // First whether the object is there at all (a clear error if not), then the independent
  // look-ups at once: each is a round trip to S3 or DynamoDB.
  const etag = await uploadedEtag(deps, input.bucket, key);
  const [rawVersionId, mapping, divisions, dataset] = await Promise.all([
    // The raw file's storage version: the version record names exactly the bytes it was read from.
    deps.objects.versionId(input.bucket, key),
    deps.columnMappings.get(location.department, location.kind),
    resolvesPlaces(location.kind) ? divisionsInForce(deps) : undefined,
    deps.versions.listOfDataset(location.department, location.kind),
  ]);

  // A key uploaded before (a repeated event, a folder sent again) most likely holds bytes
  // already ingested: they are hashed first and read into rows only if new — one more read of
  // a changed file instead of parsing every unchanged one of a county sent again.
  if (dataset.some((v) => v.rawKey === key)) {
    const { hash } = await hashedBody(deps.objects.stream(input.bucket, key, etag)).finish();
    const seen = await deps.versions.get(versionIdFor(location.department, location.kind, hash));
    const repeat = await repeatOutcome(deps, input, seen, mapping);
    if (repeat) return repeat;
  }

  // Otherwise the file is read once, hashed as it is read (the read pins the ETag: if the key
  // is overwritten meanwhile, the hash and the rows still come from one file; the newer upload
  // has its own event). Whether these bytes were seen before is known only at the end.
  const { outcome, hash, size, shards, rejects } = await readRows(deps, location, input.bucket, key, etag, {
    ...(divisions?.index ? { divisions: divisions.index } : {}),
    ...(mapping ? { columnMapping: mapping.columns } : {}),
  });

  const versionId = versionIdFor(location.department, location.kind, hash);
  const existing = await deps.versions.get(versionId);
  const repeat = await repeatOutcome(deps, input, existing, mapping);
  if (repeat) return repeat;

  if ('error' in outcome) {
    const { error } = outcome;
    // A rejected file read again under a mapping that still doesn't fit stays as it was: nothing changed.
    if (existing?.status === 'rejected' && error instanceof FileRejectedError)
      return output('duplicate', existing);
    if (error instanceof NeedsMappingError || existing) {
      const hold =
        error instanceof NeedsMappingError
          ? { reason: 'needs_mapping' as const, candidates: error.candidates, targets: error.targets }
          : { reason: 'needs_mapping' as const };
      return holdVersion(
        deps,
        existing ?? newVersion(deps, input, location, hash, size, await requestOf(deps, key), rawVersionId),
        error.message,
        hold,
        !existing,
      );
    }
    return rejectVersion(
      deps,
      input,
      location,
      hash,
      size,
      {
        code: error.code,
        message: error.message,
        ...(error.details.expected ? { expected: error.details.expected } : {}),
        ...(error.details.found ? { found: error.details.found } : {}),
      },
      rawVersionId,
    );
  }
  const rows = await storeRows(deps, versionId, outcome.result, shards, rejects, divisions?.key);
  // Uploads through a presigned URL name the person who asked for it (and what it replaces).
  const request = existing ? undefined : await requestOf(deps, key);
  const {
    statusReason: _held,
    hold: _hold,
    error: _error,
    ...base
  } = withoutRows(existing ?? newVersion(deps, input, location, hash, size, request, rawVersionId));
  const read: DatasetVersion = {
    ...base,
    status: 'active',
    ...rows,
    history: existing
      ? [...existing.history, { at: deps.now(), action: 'mapped', by: mapping?.updatedBy ?? 'system' }]
      : base.history,
  };
  const shrinking = isSnapshotKind(location.kind) ? await shrinkHold(deps, read) : undefined;
  if (shrinking) return holdVersion(deps, read, shrinking.message, shrinking.hold, !existing);
  // Pending before the version is in force: a try failing after it is written leaves a retry
  // that finds it registered (a duplicate, no RecordPending), and the kind must still collide.
  await deps.pending.mark([location.kind], deps.now());
  if (existing) {
    const lost = await saveReadAgain(deps, read);
    if (lost) return lost;
  } else if (!(await deps.versions.create(read))) {
    const winner = await deps.versions.get(versionId);
    return output('duplicate', winner ?? read);
  }
  if (request?.replaces) await applyRequestedReplacement(deps, read, request);
  const final = isSnapshotKind(location.kind) ? (await applySnapshotReplacement(deps, read)).self : read;
  deps.log.info('dataset version registered', {
    versionId,
    department: location.department,
    kind: location.kind,
    accepted: rows.quality.accepted,
    rejected: rows.quality.rejected,
    status: final.status,
  });
  return output('registered', final);
}

/**
 * Store a version read again as it was read. The same bytes may be read twice at once (the
 * upload's event and the re-read a department's new mapping asks for): when the other reading
 * — or a person's change — was stored first, theirs stands and this one is a duplicate.
 */
async function saveReadAgain(
  deps: NormalizeDeps,
  version: DatasetVersion,
): Promise<NormalizeOutput | undefined> {
  try {
    await deps.versions.save(version);
    return undefined;
  } catch (error) {
    if (!(error instanceof RevisionConflictError)) throw error;
    const winner = await deps.versions.get(version.versionId);
    deps.log.info('version changed while it was read again', {
      versionId: version.versionId,
      status: winner?.status,
    });
    return output('duplicate', winner ?? version);
  }
}

/** A file read into rows (not stored yet), or the reason it can't be read as its kind. */
interface FileRead {
  readonly outcome:
    | { readonly result: IngestResult }
    | { readonly error: FileRejectedError | NeedsMappingError };
  /** SHA-256 of the bytes read, hex, and their count. */
  readonly hash: string;
  readonly size: number;
  readonly shards: ShardWriter;
  readonly rejects: RejectsWriter;
}

/** Read an uploaded file (the object with this ETag) into shard and rejects writers, hashing its bytes. */
async function readRows(
  deps: NormalizeDeps,
  location: UploadLocation,
  bucket: string,
  key: string,
  etag: string,
  options: IngestOptions,
): Promise<FileRead> {
  const shards = new ShardWriter();
  const rejects = new RejectsWriter();
  const body = hashedBody(deps.objects.stream(bucket, key, etag));
  let outcome: FileRead['outcome'];
  try {
    outcome = {
      result: await ingestFile(
        location.kind,
        { fileName: location.fileName, body: body.chunks },
        {
          accept: (row) => {
            shards.add(shardOf(row, location.kind), row);
          },
          reject: (row) => {
            rejects.add(row);
          },
        },
        options,
      ),
    };
  } catch (error) {
    if (!(error instanceof FileRejectedError || error instanceof NeedsMappingError)) throw error;
    outcome = { error };
  }
  const { hash, size } = await body.finish();
  return { outcome, hash, size, shards, rejects };
}

/** What a version records of its stored rows. */
type StoredRows = Required<
  Pick<DatasetVersion, 'quality' | 'columns' | 'shardRows' | 'shardDigests' | 'coverage'>
> &
  Pick<DatasetVersion, 'rejectsKey' | 'divisions'>;

/** A version without what {@link storeRows} records, so a read again leaves nothing of the earlier read. */
function withoutRows(version: DatasetVersion): Omit<DatasetVersion, 'rejectsKey' | 'divisions'> {
  const { rejectsKey: _rejects, divisions: _divisions, ...rest } = version;
  return rest;
}

/**
 * Store a version's shards and rejects; what the version then records of them. Shards and
 * rejects first, record last: a version is only visible once its rows are all stored.
 */
async function storeRows(
  deps: NormalizeDeps,
  versionId: string,
  result: IngestResult,
  shards: ShardWriter,
  rejects: RejectsWriter,
  divisions: string | undefined,
): Promise<StoredRows> {
  const rejectsFile = rejects.take();
  await Promise.all([
    writeShards(deps, versionId, shards),
    rejectsFile
      ? deps.objects.put(deps.buckets.data, rejectsKey(versionId), rejectsFile, 'text/csv; charset=utf-8')
      : undefined,
  ]);
  return {
    quality: result.quality,
    columns: result.columns,
    shardRows: shards.counts,
    shardDigests: shards.digests(),
    coverage: result.coverage,
    ...(rejectsFile ? { rejectsKey: rejectsKey(versionId) } : {}),
    ...(divisions ? { divisions } : {}),
  };
}

/**
 * Bring places in step with the divisions in force after `registered`: a version's townships
 * and villages are resolved against the divisions in force when it is read, and uploads sent
 * together are read side by side (S3 events also arrive out of order), so what a file's rows
 * say must not depend on whether the divisions were read first. After a divisions upload,
 * every version in force resolved against other divisions (or none) is read again; after any
 * other upload, that version, if divisions came into force while it was read. Returns the
 * kinds whose rows changed (their rules must run again).
 */
async function resolvePlacesAgain(deps: NormalizeDeps, registered: NormalizeOutput): Promise<DatasetKind[]> {
  const kind = registered.kind as DatasetKind;
  if (kind !== 'divisions' && !resolvesPlaces(kind)) return [];
  const candidates =
    kind === 'divisions' ? await placedVersions(deps) : [await deps.versions.get(registered.versionId)];
  return (await readStaleAgain(deps, candidates)).kinds;
}

/** Every version of the kinds that resolve places ({@link readStaleAgain} keeps those in force and stale). */
async function placedVersions(deps: NormalizeDeps): Promise<DatasetVersion[]> {
  return (
    await Promise.all(DATASET_KINDS.filter(resolvesPlaces).map((k) => deps.versions.listOfKind(k)))
  ).flat();
}

/**
 * Read again each of `candidates` in force whose places were resolved against other divisions
 * than those in force now; the kinds whose rows changed (sorted), and how many versions were read.
 */
async function readStaleAgain(
  deps: NormalizeDeps,
  candidates: readonly (DatasetVersion | undefined)[],
): Promise<{ kinds: DatasetKind[]; versions: number }> {
  const key = await divisionsKey(deps);
  const stale = candidates.filter(
    (v): v is DatasetVersion => v?.status === 'active' && (v.divisions ?? '') !== key,
  );
  const kinds = new Set<DatasetKind>();
  let versions = 0;
  // One at a time: each holds a whole version's rows while it is read.
  for (const version of stale)
    if (await readAgain(deps, version)) {
      kinds.add(version.kind);
      versions += 1;
    }
  return { kinds: [...kinds].sort(), versions };
}

/**
 * Read a version in force again under the divisions in force now and store its rows in place
 * (`resolved` in its history). Only the bytes it was registered from are read: when its upload
 * key holds other bytes by now (or none, or no longer reads), it stays as it is, logged.
 */
async function readAgain(deps: NormalizeDeps, version: DatasetVersion): Promise<boolean> {
  const [etag, mapping, divisions] = await Promise.all([
    deps.objects.etag(version.rawBucket, version.rawKey),
    deps.columnMappings.get(version.department, version.kind),
    divisionsInForce(deps),
  ]);
  const read =
    etag === undefined
      ? undefined
      : await readRows(deps, version, version.rawBucket, version.rawKey, etag, {
          ...(divisions.index ? { divisions: divisions.index } : {}),
          ...(mapping ? { columnMapping: mapping.columns } : {}),
        });
  if (!read || read.hash !== version.fileHash || 'error' in read.outcome) {
    deps.log.warn('version not read again for the divisions in force', {
      versionId: version.versionId,
      reason: !read
        ? 'raw file missing'
        : read.hash !== version.fileHash
          ? 'raw file overwritten'
          : 'not readable',
    });
    return false;
  }
  const rows = await storeRows(
    deps,
    version.versionId,
    read.outcome.result,
    read.shards,
    read.rejects,
    divisions.key,
  );
  const saved = await changeVersion(deps.versions, version, (current) =>
    (current.divisions ?? '') === divisions.key
      ? undefined
      : {
          ...withoutRows(current),
          ...rows,
          history: [...current.history, { at: deps.now(), action: 'resolved', by: 'system' }],
        },
  );
  deps.log.info('version read again for the divisions in force', {
    versionId: version.versionId,
    kind: version.kind,
    stored: saved !== undefined,
  });
  return true;
}

// Shard files written at once. Each put holds its shard's bytes whole: a big version's sixteen
// at once would hold its whole output a second time, so it puts a few at a time; a small one
// puts all at once (each put is a round trip).
const PARALLEL_SHARD_PUTS = 4;
const BIG_VERSION_BYTES = 64 * 2 ** 20;

async function writeShards(deps: NormalizeDeps, versionId: string, shards: ShardWriter): Promise<void> {
  const parallel = shards.encodedBytes > BIG_VERSION_BYTES ? PARALLEL_SHARD_PUTS : SHARD_COUNT;
  const numbers = Array.from({ length: SHARD_COUNT }, (_, shard) => shard);
  await pool(numbers, parallel, async (shard) => {
    // Taken when its put starts: the writer lets go of the bytes of the shards already put.
    const bytes = shards.take(shard);
    if (bytes)
      await deps.objects.put(deps.buckets.data, shardKey(versionId, shard), bytes, 'application/x-ndjson');
  });
}

/**
 * What an upload of bytes already registered as `existing` comes to, or `undefined` when they
 * are to be read (again): a withdrawn version uploaded again comes back, any other is a
 * duplicate unless it is read again under a mapping ({@link rereadable}).
 */
async function repeatOutcome(
  deps: NormalizeDeps,
  input: NormalizeInput,
  existing: DatasetVersion | undefined,
  mapping: ColumnMapping | undefined,
): Promise<NormalizeOutput | undefined> {
  if (existing?.status === 'withdrawn' && uploadedAfterWithdrawal(existing, input.eventTime))
    return restoreOnUpload(deps, existing, input);
  if (existing && !rereadable(existing, mapping)) {
    deps.log.info('upload already ingested', {
      versionId: existing.versionId,
      key: input.key,
      status: existing.status,
    });
    return output('duplicate', existing);
  }
  return undefined;
}

/**
 * Whether a version already registered is read again: one held for a mapping always (the
 * mapping may have changed), a rejected one when its department stated a mapping since.
 */
function rereadable(version: DatasetVersion, mapping: ColumnMapping | undefined): boolean {
  if (version.status === 'needs_mapping') return true;
  const last = version.history[version.history.length - 1]?.at ?? version.registeredAt;
  return version.status === 'rejected' && mapping !== undefined && mapping.updatedAt > last;
}

async function requestOf(deps: NormalizeDeps, key: string): Promise<UploadRequest | undefined> {
  return deps.versions.latestUploadRequest(key, deps.now());
}

/** The record of a file seen for the first time, before its status is decided. */
function newVersion(
  deps: NormalizeDeps,
  input: NormalizeInput,
  location: UploadLocation,
  hash: string,
  size: number,
  request: UploadRequest | undefined,
  rawVersionId: string | undefined,
): DatasetVersion {
  const now = deps.now();
  return {
    versionId: versionIdFor(location.department, location.kind, hash),
    department: location.department,
    kind: location.kind,
    fileName: location.fileName,
    rawBucket: input.bucket,
    rawKey: input.key,
    ...(rawVersionId ? { rawVersionId } : {}),
    fileHash: hash,
    size,
    receivedAt: input.eventTime,
    registeredAt: now,
    status: 'active',
    shardRows: [],
    coverage: [],
    history: [registeredEvent(now, location.department, request)],
  };
}

/**
 * Keep a version out of force until its department acts: a column mapping (`needs_mapping`)
 * or a confirmation (`needs_confirmation`). Nothing of it takes part in collision meanwhile.
 */
async function holdVersion(
  deps: NormalizeDeps,
  version: DatasetVersion,
  message: string,
  hold: VersionHold,
  isNew: boolean,
): Promise<NormalizeOutput> {
  const sameHold = version.status === hold.reason && version.statusReason === message;
  const { error: _rejection, ...rest } = version;
  const held: DatasetVersion = {
    ...rest,
    status: hold.reason,
    statusReason: message,
    hold,
    history: sameHold
      ? version.history
      : [...version.history, { at: deps.now(), action: 'held', by: 'system', reason: message }],
  };
  if (isNew && !(await deps.versions.create(held))) {
    const winner = await deps.versions.get(version.versionId);
    return output('duplicate', winner ?? held);
  }
  if (!isNew) {
    const lost = await saveReadAgain(deps, held);
    if (lost) return lost;
  }
  deps.log.warn('dataset version held', { versionId: held.versionId, reason: hold.reason });
  return output('held', held);
}

/**
 * A snapshot replaces the department's data in force: one that would shrink it by more than
 * the configured share, or to nothing (a header-only registry, a formula-only workbook), waits
 * for the department's confirmation instead. A snapshot older than the one in force replaces
 * nothing, so it is never held.
 */
async function shrinkHold(
  deps: NormalizeDeps,
  version: DatasetVersion,
): Promise<{ message: string; hold: VersionHold } | undefined> {
  const accepted = version.quality?.accepted ?? 0;
  const previous = (await deps.versions.listOfDataset(version.department, version.kind))
    .filter((v) => v.status === 'active' && v.versionId !== version.versionId)
    .reduce<DatasetVersion | undefined>(
      (best, v) => (!best || versionOrder(v) > versionOrder(best) ? v : best),
      undefined,
    );
  if (previous && versionOrder(previous) > versionOrder(version)) return undefined;
  const previousRows = previous?.quality?.accepted ?? 0;
  const limit = deps.snapshotShrinkLimit ?? DEFAULT_SNAPSHOT_SHRINK_LIMIT;
  const shrinks = previous !== undefined && accepted < previousRows * (1 - limit);
  if (accepted > 0 && !shrinks) return undefined;
  const label = KIND_LABELS[version.kind];
  const what =
    accepted === 0
      ? `文件 ${version.fileName} 没有可用的数据行（读取 ${version.quality?.rowsRead ?? 0} 行，接受 0 行）`
      : `文件 ${version.fileName} 只有 ${accepted} 行可用数据，比正在生效的版本（${previousRows} 行）少了 ${Math.round((1 - accepted / previousRows) * 100)}%`;
  const replaces = previous
    ? `作为${label}的新快照，它会替换本部门正在生效的 ${previousRows} 行数据`
    : `作为${label}的快照，它会以空数据参与碰撞`;
  return {
    message:
      `${what}。${replaces}，因此暂不生效。` +
      `如确属正确，请确认：npm run cli -- confirm ${version.versionId} --reason <原因>，或 POST /api/v1/versions/${version.versionId}/confirm；` +
      '如有误，请修改文件后重新上传',
    hold: {
      reason: 'needs_confirmation',
      previousRows,
      ...(previous ? { previousVersionId: previous.versionId } : {}),
    },
  };
}

/** Whether an upload event happened after the version's (last) withdrawal, to the second. */
function uploadedAfterWithdrawal(version: DatasetVersion, eventTime: string): boolean {
  const at = withdrawnAt(version);
  return at !== undefined && Date.parse(eventTime) >= Math.floor(Date.parse(at) / 1000) * 1000;
}

/**
 * The department uploaded a withdrawn version's bytes again: it comes back into force, as of
 * this upload (so a restored snapshot is the newest), recorded in its history. A redelivered
 * event of the original upload (older than the withdrawal) never gets here.
 */
async function restoreOnUpload(
  deps: NormalizeDeps,
  version: DatasetVersion,
  input: NormalizeInput,
): Promise<NormalizeOutput> {
  const request = await requestOf(deps, input.key);
  const fileName = parseUploadKey(input.key).fileName;
  const restored: DatasetVersion = {
    ...restoreVersion(
      version,
      {
        subject: request?.requestedBy ?? version.department,
        ...(request?.requestedByName ? { name: request.requestedByName } : {}),
      },
      request?.reason ?? `重新上传了与该版本字节相同的文件 ${fileName}`,
      deps.now(),
    ),
    receivedAt: input.eventTime,
  };
  // Pending first, as for a new version (`readUpload`): a retry after the save is a duplicate.
  await deps.pending.mark([version.kind], deps.now());
  await deps.versions.save(restored);
  const final = isSnapshotKind(version.kind)
    ? (await applySnapshotReplacement(deps, restored)).self
    : restored;
  deps.log.info('dataset version restored by re-upload', {
    versionId: version.versionId,
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
): Promise<boolean> {
  const old = request.replaces ? await deps.versions.get(request.replaces) : undefined;
  const replaced =
    old &&
    (await changeVersion(deps.versions, old, (v) => replaceOnRequest(v, version, request, deps.now())));
  if (!replaced) return false;
  deps.log.info('dataset version replaced on request', {
    versionId: replaced.versionId,
    replacedBy: version.versionId,
  });
  return true;
}

/**
 * A snapshot in force replaces the department's older snapshots of its kind (see
 * `snapshotSuccession`): `self` is the version as it stands after, `replaced` how many changed.
 */
async function applySnapshotReplacement(
  deps: NormalizeDeps,
  version: DatasetVersion,
): Promise<{ self: DatasetVersion; replaced: number }> {
  const { newest, older } = snapshotSuccession(
    version,
    await deps.versions.listOfDataset(version.department, version.kind),
  );
  const now = deps.now();
  let self = version;
  let count = 0;
  for (const v of older) {
    // Re-decided on a fresh read if the version changed meanwhile (e.g. it was withdrawn).
    const replaced = await changeVersion(deps.versions, v, (current) =>
      replaceSnapshot(current, newest, now),
    );
    if (!replaced) continue;
    count += 1;
    if (v.versionId === version.versionId) self = replaced;
  }
  return { self, replaced: count };
}

/**
 * The replacements the try that registered this very upload (its key, its event) makes, made
 * again: that try may have failed after the version was written and before they were made
 * (both are idempotent: a version no longer in force is left alone). The kinds they changed.
 */
async function replaceAgain(
  deps: NormalizeDeps,
  input: NormalizeInput,
  registered: NormalizeOutput,
): Promise<DatasetKind[]> {
  const version = await deps.versions.get(registered.versionId);
  if (version?.status !== 'active' || version.rawKey !== input.key || version.receivedAt !== input.eventTime)
    return [];
  // What registering it asked to replace (its `registered` event names it), unless a person has
  // withdrawn or restored it since; the request itself: the latest for the key at that time.
  const asked = version.history.find((e) => e.action === 'registered')?.replacement;
  const untouched = !version.history.some((e) => e.action === 'withdrawn' || e.action === 'restored');
  const request =
    asked && untouched ? await deps.versions.latestUploadRequest(input.key, version.registeredAt) : undefined;
  const requested =
    request && request.replaces === asked ? await applyRequestedReplacement(deps, version, request) : false;
  const snapshots = isSnapshotKind(version.kind)
    ? (await applySnapshotReplacement(deps, version)).replaced
    : 0;
  return requested || snapshots > 0 ? [version.kind] : [];
}

async function rejectVersion(
  deps: NormalizeDeps,
  input: NormalizeInput,
  location: UploadLocation,
  hash: string,
  size: number,
  error: FileError,
  rawVersionId?: string,
): Promise<NormalizeOutput> {
  const now = deps.now();
  const version: DatasetVersion = {
    ...newVersion(deps, input, location, hash, size, undefined, rawVersionId),
    status: 'rejected',
    statusReason: error.message,
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
