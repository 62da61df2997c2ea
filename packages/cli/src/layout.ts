/**
 * The folder a department (or a batch job) uploads: `{department}/{kind}/<files>`, optionally
 * under an `uploads/` root — the same layout as the upload bucket (CONTRACT.md §1).
 * Everything is checked before a single byte is uploaded.
 */
import { createHash } from 'node:crypto';
import { createReadStream, type Dirent, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { DATASET_KINDS, type DatasetKind, inUploadOrder, isDatasetKind } from '@jiandu/domain/kinds';

/** Department codes as the pipeline accepts them in upload keys (lower-case ASCII). */
const DEPARTMENT = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Extensions of files that may be datasets. `.xls` and `.txt` go through: the pipeline explains them. */
const DATA_EXTENSIONS = new Set(['.csv', '.xlsx', '.xls', '.txt']);

/** One file to upload. */
export interface PlannedFile {
  /** Absolute path on disk. */
  readonly path: string;
  /** Path relative to the layout root, for messages. */
  readonly relativePath: string;
  readonly department: string;
  readonly kind: DatasetKind;
  readonly fileName: string;
  /** Object key in the upload bucket: `uploads/{department}/{kind}/{fileName}`. */
  readonly key: string;
  readonly size: number;
}

/** A checked folder: what will be uploaded, and what was skipped on purpose. */
export interface UploadPlan {
  /** The layout root (the folder, or its `uploads/` child). */
  readonly root: string;
  /** In upload order ({@link inUploadOrder}): divisions, reference databases, other snapshots, books, payments. */
  readonly files: readonly PlannedFile[];
  /** Files that are not datasets by nature (hidden files, Excel lock files, files beside the departments). */
  readonly skipped: readonly string[];
}

/** The folder does not follow the layout; `problems` lists every offending path. */
export class LayoutError extends Error {
  readonly problems: readonly string[];

  constructor(folder: string, problems: readonly string[]) {
    super(
      `目录 ${folder} 不符合上传结构 {部门}/{数据类型}/{文件}（或 uploads/{部门}/{数据类型}/{文件}），未上传任何文件：\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'LayoutError';
    this.problems = problems;
  }
}

// Editors and operating systems leave these next to real files.
const isNoise = (name: string) => name.startsWith('.') || name.startsWith('~$') || name === 'Thumbs.db';

function entries(dir: string): Dirent[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Check `folder` against the upload layout and list the files to upload.
 *
 * @throws {LayoutError} listing every problem (unknown kind, bad department code, files at the
 *   wrong depth, unsupported file types, no files at all).
 */
export function planUpload(folder: string): UploadPlan {
  const given = resolve(folder);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(given);
  } catch {
    throw new LayoutError(folder, [`目录不存在：${folder}`]);
  }
  if (!stat.isDirectory()) throw new LayoutError(folder, [`不是目录：${folder}`]);
  const nested = join(given, 'uploads');
  const root = statSync(nested, { throwIfNoEntry: false })?.isDirectory() ? nested : given;

  const problems: string[] = [];
  const skipped: string[] = [];
  const files: PlannedFile[] = [];
  const rel = (path: string) => relative(given, path) || '.';
  const kinds = DATASET_KINDS.join('、');

  for (const dept of entries(root)) {
    const deptPath = join(root, dept.name);
    if (isNoise(dept.name) || !dept.isDirectory()) {
      // Files beside the department folders (a README, the demo's truth.json) are not uploads.
      skipped.push(rel(deptPath));
      continue;
    }
    if (!DEPARTMENT.test(dept.name)) {
      problems.push(
        `${rel(deptPath)}：部门代码「${dept.name}」无效（只能用小写字母、数字和连字符，如 civil-affairs）`,
      );
      continue;
    }
    for (const kind of entries(deptPath)) {
      const kindPath = join(deptPath, kind.name);
      if (isNoise(kind.name)) {
        skipped.push(rel(kindPath));
        continue;
      }
      if (!kind.isDirectory()) {
        problems.push(`${rel(kindPath)}：文件必须放在 {部门}/{数据类型}/ 目录下，而不是直接放在部门目录下`);
        continue;
      }
      if (!isDatasetKind(kind.name)) {
        problems.push(`${rel(kindPath)}：未知数据类型「${kind.name}」（可用：${kinds}）`);
        continue;
      }
      for (const file of entries(kindPath)) {
        const path = join(kindPath, file.name);
        if (isNoise(file.name)) {
          skipped.push(rel(path));
          continue;
        }
        if (file.isDirectory()) {
          problems.push(`${rel(path)}：数据类型目录下不能再有子目录`);
          continue;
        }
        if (!DATA_EXTENSIONS.has(extname(file.name).toLowerCase())) {
          problems.push(`${rel(path)}：不支持的文件类型（仅 .csv 和 .xlsx）`);
          continue;
        }
        files.push({
          path,
          relativePath: rel(path),
          department: dept.name,
          kind: kind.name,
          fileName: file.name,
          key: `uploads/${dept.name}/${kind.name}/${file.name}`,
          size: statSync(path).size,
        });
      }
    }
  }
  if (problems.length === 0 && files.length === 0) problems.push(`${folder} 中没有可上传的文件`);
  if (problems.length > 0) throw new LayoutError(folder, problems);
  // Reference data first: the local workflow runs in arrival order and payments are matched against it.
  return { root, files: inUploadOrder(files, (a, b) => a.key.localeCompare(b.key)), skipped };
}

/** SHA-256 of a file, hex, streamed: what the pipeline derives the version id from. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
