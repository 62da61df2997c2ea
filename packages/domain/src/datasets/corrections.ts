/**
 * What a department may do to its own data (CONTRACT.md §4): withdraw a version with a
 * reason, or upload a replacement. Pure state transitions of {@link DatasetVersion}; every
 * one appends who, when and why to the version's history — nothing is deleted or overwritten.
 */
import { ConflictError, ValidationError } from '../errors.js';
import type { DatasetKind } from '../kinds.js';
import { type DatasetVersion, versionOrder } from '../versions.js';

/** Who acts: a principal's subject and, for the history, their display name. */
export interface Actor {
  readonly subject: string;
  readonly name?: string;
}

/** Longest reason kept in a history entry. */
export const MAX_REASON_LENGTH = 500;

function actorFields(actor: Actor): { by: string; byName?: string } {
  return { by: actor.subject, ...(actor.name ? { byName: actor.name } : {}) };
}

function requireReason(reason: string, what: string): string {
  const trimmed = reason.trim();
  if (trimmed.length < 2)
    throw new ValidationError(`${what}必须填写原因（至少 2 个字）`, { field: 'reason' });
  if (trimmed.length > MAX_REASON_LENGTH)
    throw new ValidationError(`原因不能超过 ${MAX_REASON_LENGTH} 个字`, { field: 'reason' });
  return trimmed;
}

/**
 * Withdraw an active version: it leaves the collision, and leads whose evidence came only
 * from it are superseded by the next run with this reason. A rejected file has nothing to
 * withdraw (400); a version already withdrawn or replaced can't be withdrawn again (409).
 */
export function withdrawVersion(
  version: DatasetVersion,
  actor: Actor,
  reason: string,
  now: string,
): DatasetVersion {
  const why = requireReason(reason, '撤回数据版本');
  if (version.status === 'rejected')
    throw new ValidationError(
      `该文件未通过校验（${version.statusReason ?? '文件级错误'}），没有可撤回的数据`,
      {
        status: version.status,
      },
    );
  if (version.status === 'withdrawn') {
    const when = [...version.history].reverse().find((e) => e.action === 'withdrawn')?.at;
    throw new ConflictError(`该数据版本已于 ${when ?? '此前'} 撤回，不能重复撤回`);
  }
  if (version.status === 'replaced')
    throw new ConflictError(`该数据版本已被 ${version.replacedBy ?? '新版本'} 替换，不再参与碰撞，无需撤回`);
  return {
    ...version,
    status: 'withdrawn',
    statusReason: why,
    history: [...version.history, { at: now, action: 'withdrawn', ...actorFields(actor), reason: why }],
  };
}

/**
 * A request for a presigned upload URL: who asked, for which key, and (for a replacement)
 * which version the upload replaces and why. Stored when the URL is handed out; the
 * Normalize step reads it when the file arrives, so the version's history names the person.
 */
export interface UploadRequest {
  /** Upload-bucket key the URL is for: `uploads/{department}/{kind}/{fileName}`. */
  readonly key: string;
  readonly requestId: string;
  readonly department: string;
  readonly kind: DatasetKind;
  readonly fileName: string;
  readonly requestedBy: string;
  readonly requestedByName?: string;
  readonly requestedAt: string;
  /** Until when the URL works. */
  readonly expiresAt: string;
  /** The version this upload replaces, if it is a replacement. */
  readonly replaces?: string;
  readonly reason?: string;
}

/** File extensions the ingest stage reads. */
const UPLOAD_EXTENSIONS = /\.(csv|xlsx)$/i;

/**
 * Check a file name a department wants to upload under: one path segment, a CSV or XLSX
 * extension, no control characters, at most 120 characters. Returns it trimmed.
 */
export function validateUploadFileName(fileName: string): string {
  const name = fileName.trim();
  if (name.length === 0) throw new ValidationError('文件名不能为空', { field: 'fileName' });
  if (name.length > 120) throw new ValidationError('文件名不能超过 120 个字符', { field: 'fileName' });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[/\\\u0000-\u001f\u007f]/.test(name) || name === '.' || name === '..')
    throw new ValidationError('文件名不能包含 / \\ 或控制字符', { field: 'fileName' });
  if (!UPLOAD_EXTENSIONS.test(name))
    throw new ValidationError('只接受 .csv 或 .xlsx 文件', { field: 'fileName' });
  return name;
}

/** The upload-bucket key of a department's file (CONTRACT.md §1). */
export function uploadKeyFor(department: string, kind: DatasetKind, fileName: string): string {
  return `uploads/${department}/${kind}/${fileName}`;
}

/**
 * Note on the version to be replaced that a replacement was requested (who, when, why, and
 * the key it will arrive under). Only an active version can be replaced.
 */
export function noteReplacementRequested(
  version: DatasetVersion,
  request: UploadRequest,
  now: string,
): DatasetVersion {
  if (version.status !== 'active')
    throw new ConflictError(
      version.status === 'rejected'
        ? '未通过校验的文件不参与碰撞，请直接上传新文件'
        : `该数据版本已${version.status === 'withdrawn' ? '撤回' : '被替换'}，不能再被替换`,
    );
  if (version.department !== request.department || version.kind !== request.kind)
    throw new ValidationError('替换文件必须是同一部门、同一数据类型', { field: 'replaces' });
  return {
    ...version,
    history: [
      ...version.history,
      {
        at: now,
        action: 'replacement_requested',
        by: request.requestedBy,
        ...(request.requestedByName ? { byName: request.requestedByName } : {}),
        ...(request.reason ? { reason: request.reason } : {}),
        replacement: request.key,
      },
    ],
  };
}

/**
 * Replace `old` with `replacement` as the department asked (any kind: for append kinds this
 * takes the old rows out even where the coverage differs). No-op unless `old` is still active.
 */
export function replaceOnRequest(
  old: DatasetVersion,
  replacement: DatasetVersion,
  request: UploadRequest,
  now: string,
): DatasetVersion | undefined {
  if (old.status !== 'active' || old.versionId === replacement.versionId) return undefined;
  if (old.department !== replacement.department || old.kind !== replacement.kind) return undefined;
  const reason = request.reason ?? `替换为 ${replacement.fileName}`;
  return {
    ...old,
    status: 'replaced',
    replacedBy: replacement.versionId,
    statusReason: `被新版本 ${replacement.fileName}（${replacement.versionId}）替换：${reason}`,
    history: [
      ...old.history,
      {
        at: now,
        action: 'replaced',
        by: request.requestedBy,
        ...(request.requestedByName ? { byName: request.requestedByName } : {}),
        reason,
        replacement: replacement.versionId,
      },
    ],
  };
}

/** When the version was last withdrawn, if it was. */
export function withdrawnAt(version: DatasetVersion): string | undefined {
  return [...version.history].reverse().find((e) => e.action === 'withdrawn')?.at;
}

/**
 * Bring a withdrawn version back into force (a department that withdrew by mistake): its rows
 * take part in collision again, and the history says who restored it and why. Only a withdrawn
 * version can be restored (409 otherwise).
 */
export function restoreVersion(
  version: DatasetVersion,
  actor: Actor,
  reason: string,
  now: string,
): DatasetVersion {
  const why = requireReason(reason, '恢复数据版本');
  if (version.status !== 'withdrawn')
    throw new ConflictError(
      `只有已撤回的数据版本可以恢复，该版本当前状态为「${STATUS_LABELS[version.status]}」`,
    );
  const { statusReason: _withdrawal, ...rest } = version;
  return {
    ...rest,
    status: 'active',
    history: [...version.history, { at: now, action: 'restored', ...actorFields(actor), reason: why }],
  };
}

/**
 * Confirm a snapshot held because it would shrink the department's data (`needs_confirmation`):
 * it comes into force and replaces the previous snapshot. 409 for any other status.
 */
export function confirmHeldVersion(
  version: DatasetVersion,
  actor: Actor,
  reason: string,
  now: string,
): DatasetVersion {
  const why = requireReason(reason, '确认数据版本');
  if (version.status !== 'needs_confirmation')
    throw new ConflictError(
      version.status === 'needs_mapping'
        ? '该数据版本等待指定列映射，请先指定列映射（PUT /api/v1/column-mappings）'
        : `只有等待确认的数据版本可以确认，该版本当前状态为「${STATUS_LABELS[version.status]}」`,
    );
  const { statusReason: _held, hold: _hold, ...rest } = version;
  return {
    ...rest,
    status: 'active',
    history: [...version.history, { at: now, action: 'confirmed', ...actorFields(actor), reason: why }],
  };
}

/** Version statuses as departments read them. */
export const STATUS_LABELS: Readonly<Record<DatasetVersion['status'], string>> = {
  active: '生效',
  replaced: '已被替换',
  withdrawn: '已撤回',
  rejected: '被拒绝',
  needs_mapping: '待指定列映射',
  needs_confirmation: '待确认',
};

/**
 * Which snapshot stays in force when `version` comes into force among the department's
 * snapshots of its kind: the newest by S3 receive time ({@link versionOrder}), not by processing
 * order, so an old file whose event arrives late does not displace a newer one. `older` are the
 * ones in force that it replaces (`version` itself among them when a newer one is in force).
 */
export function snapshotSuccession(
  version: DatasetVersion,
  department: readonly DatasetVersion[],
): { newest: DatasetVersion; older: DatasetVersion[] } {
  const inForce = [
    version,
    ...department.filter((v) => v.status === 'active' && v.versionId !== version.versionId),
  ];
  const newest = inForce.reduce((best, v) => (versionOrder(v) > versionOrder(best) ? v : best));
  return { newest, older: inForce.filter((v) => v.versionId !== newest.versionId) };
}

/** A snapshot in force replaced by a newer one; `undefined` when it is no longer in force. */
export function replaceSnapshot(
  current: DatasetVersion,
  newest: DatasetVersion,
  now: string,
): DatasetVersion | undefined {
  if (current.status !== 'active') return undefined;
  return {
    ...current,
    status: 'replaced',
    replacedBy: newest.versionId,
    statusReason: `被新版本 ${newest.fileName}（${newest.versionId}）替换`,
    history: [
      ...current.history,
      { at: now, action: 'replaced', by: 'system', reason: `replaced by ${newest.versionId}` },
    ],
  };
}
