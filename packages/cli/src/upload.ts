/**
 * `upload <folder>`: put every file of a checked folder into the upload bucket, wait for the
 * workflow executions they start, and collect each file's dataset version.
 */
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { ApiClient, VersionView } from './api.js';
import { type ExecutionView, ExecutionWatcher } from './executions.js';
import { type PlannedFile, sha256File, type UploadPlan } from './layout.js';
import type { Target } from './target.js';

/**
 * What became of one file:
 * - `new`: a new dataset version was registered;
 * - `unchanged`: byte-identical to a version the platform already has (nothing changed);
 * - `restored`: the bytes of a withdrawn version, which is back in force;
 * - `held`: registered but not in force until the department acts (a column mapping, or the
 *   confirmation of a shrinking snapshot);
 * - `rejected`: the file as a whole could not be read as its kind (file-level error);
 * - `failed`: the workflow failed for another reason, or the version could not be found.
 */
export type FileOutcome = 'new' | 'unchanged' | 'restored' | 'held' | 'rejected' | 'failed';

/** The result of one uploaded file. */
export interface FileResult {
  readonly file: PlannedFile;
  readonly fileHash: string;
  readonly outcome: FileOutcome;
  readonly version?: VersionView;
  /** Why the file was rejected or failed. */
  readonly message?: string;
}

/** Options of {@link uploadFolder}. */
export interface UploadOptions {
  readonly target: Target;
  readonly api: ApiClient;
  /** Progress lines (uploads, finished executions). */
  readonly progress: (line: string) => void;
  /** How long to wait for all executions; default 30 minutes. */
  readonly timeoutMs?: number;
  /** Poll interval of the Step Functions API; default 1 s. */
  readonly pollMs?: number;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.xls': 'application/vnd.ms-excel',
};

// Executions are listed by start time; a client clock ahead of the service's must not hide ours.
const CLOCK_SKEW_MS = 5 * 60_000;

/** The Normalize step said "byte-identical or repeated event" (the execution ends in AlreadyIngested). */
function wasDuplicate(execution: ExecutionView): boolean {
  const output = execution.output as { version?: { outcome?: unknown } } | undefined;
  return output?.version?.outcome === 'duplicate';
}

/**
 * Upload the plan's files in order, wait until every workflow execution they started has
 * finished, and return one result per file (in plan order).
 */
export async function uploadFolder(plan: UploadPlan, options: UploadOptions): Promise<FileResult[]> {
  const { target, api, progress } = options;
  const hashes = new Map<string, string>();
  for (const file of plan.files) hashes.set(file.key, await sha256File(file.path));

  // The department's mappings first, so its files are read under them (and held ones re-read).
  for (const m of plan.mappings) {
    await api.send('PUT', '/api/v1/column-mappings', {
      kind: m.kind,
      department: m.department,
      columns: m.columns,
    });
    progress(
      `已记住列映射 ${m.department}/${m.kind}：${Object.entries(m.columns)
        .map(([h, c]) => `${h}=${c}`)
        .join('，')}`,
    );
  }

  const watcher = new ExecutionWatcher(target.sfn, target.stateMachineArn, {
    since: new Date(Date.now() - CLOCK_SKEW_MS),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
  });
  await watcher.snapshot();

  let finished = 0;
  const onFinished = (execution: ExecutionView) => {
    finished++;
    progress(`处理结束 (${finished}) ${execution.key ?? ''} ${execution.status}`);
  };
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const started = Date.now();
  // The divisions go first (upload order) and are read before the rest is sent: every other
  // file's townships and villages are resolved against them as it is read. Sent together, a
  // file read before them would have to be read again once they are in force.
  const divisions = plan.files.filter((f) => f.kind === 'divisions').map((f) => f.key);
  for (const [i, file] of plan.files.entries()) {
    await target.s3.send(
      new PutObjectCommand({
        Bucket: target.uploadBucket,
        Key: file.key,
        Body: createReadStream(file.path),
        ContentLength: file.size,
        ContentType: CONTENT_TYPES[extname(file.fileName).toLowerCase()] ?? 'application/octet-stream',
      }),
    );
    progress(`已上传 (${i + 1}/${plan.files.length}) ${file.relativePath}`);
    const next = plan.files[i + 1];
    if (file.kind === 'divisions' && next && next.kind !== 'divisions') {
      progress('等待行政区划读取完毕，其余文件的乡镇、村按其解析');
      await watcher.waitFor(divisions, timeoutMs, onFinished);
    }
  }

  const executions = await watcher.waitFor(
    plan.files.map((f) => f.key),
    Math.max(0, timeoutMs - (Date.now() - started)),
    onFinished,
  );

  // One API call per dataset, not per file.
  const versionsOf = new Map<string, Promise<VersionView[]>>();
  const versionOf = async (file: PlannedFile, hash: string): Promise<VersionView | undefined> => {
    const dataset = `${file.department}/${file.kind}`;
    let versions = versionsOf.get(dataset);
    if (!versions) {
      versions = api.versions(file.department, file.kind);
      versionsOf.set(dataset, versions);
    }
    return (await versions).find((v) => v.fileHash === hash);
  };

  const results: FileResult[] = [];
  for (const file of plan.files) {
    const fileHash = hashes.get(file.key) as string;
    const runs = executions.get(file.key) ?? [];
    const broken = runs.find((e) => e.status !== 'SUCCEEDED' && e.error !== 'FileRejected');
    if (broken) {
      results.push({
        file,
        fileHash,
        outcome: 'failed',
        message: `处理流程 ${broken.status}：${broken.error ?? ''} ${broken.cause ?? ''}`.trim(),
      });
      continue;
    }
    const version = await versionOf(file, fileHash);
    if (!version) {
      results.push({
        file,
        fileHash,
        outcome: 'failed',
        message: '处理流程已结束，但 API 中找不到该文件的数据版本',
      });
      continue;
    }
    if (version.status === 'rejected' || runs.some((e) => e.error === 'FileRejected')) {
      const again = runs.every(wasDuplicate) ? '（与此前被拒绝的文件字节相同）' : '';
      results.push({
        file,
        fileHash,
        outcome: 'rejected',
        version,
        message: `${version.error?.message ?? version.statusReason ?? '文件被拒绝'}${again}`,
      });
      continue;
    }
    if (version.status === 'needs_mapping' || version.status === 'needs_confirmation') {
      results.push({ file, fileHash, outcome: 'held', version, message: version.statusReason ?? '' });
      continue;
    }
    const unchanged = runs.every(wasDuplicate);
    const restored = !unchanged && version.history.at(-1)?.action === 'restored';
    results.push({
      file,
      fileHash,
      outcome: unchanged ? 'unchanged' : restored ? 'restored' : 'new',
      version,
    });
  }
  return results;
}
