/**
 * The folder a department (or a batch job) uploads: `{department}/{kind}/<files>`, optionally
 * under an `uploads/` root — the same layout as the upload bucket (CONTRACT.md §1).
 * Everything is checked before a single byte is uploaded.
 */
import { createHash } from 'node:crypto';
import { createReadStream, type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { DATASET_KINDS, type DatasetKind, inUploadOrder, isDatasetKind } from '@jiandu/domain/kinds';
import { columnMappingProblems, parseMappingLines } from '@jiandu/ingest/mapping';

/**
 * The mapping file a department keeps beside its files, `{department}/{kind}/列映射.txt`: one
 * `列名=列` per line (`#` starts a comment). It is stated to the platform before the files go up.
 */
export const MAPPING_FILE = '列映射.txt';

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

/** Column mappings of one department's kind, to state before its files are read. */
export interface PlannedMapping {
  readonly department: string;
  readonly kind: DatasetKind;
  /** File header → canonical column (or `ignore`). */
  readonly columns: Readonly<Record<string, string>>;
}

/** A checked folder: what will be uploaded, and what was skipped on purpose. */
export interface UploadPlan {
  /** The layout root (the folder, or its `uploads/` child). */
  readonly root: string;
  /** In upload order ({@link inUploadOrder}): divisions, reference databases, other snapshots, books, payments. */
  readonly files: readonly PlannedFile[];
  /** Files that are not datasets by nature (hidden files, Excel lock files, files beside the departments). */
  readonly skipped: readonly string[];
  /** Column mappings from mapping files and `--map`, per department and kind. */
  readonly mappings: readonly PlannedMapping[];
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
export function planUpload(folder: string, map: Readonly<Record<string, string>> = {}): UploadPlan {
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
  const mappings = new Map<string, PlannedMapping>();
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
        if (file.name === MAPPING_FILE) {
          const stated = readMappingFile(path, kind.name, (p) => problems.push(`${rel(path)}：${p}`));
          if (stated)
            mappings.set(`${dept.name}/${kind.name}`, {
              department: dept.name,
              kind: kind.name,
              columns: stated,
            });
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
  applyCommandLineMap(map, files, mappings, problems);
  if (problems.length > 0) throw new LayoutError(folder, problems);
  const byDataset = (m: PlannedMapping) => `${m.department}/${m.kind}`;
  const planned = [...mappings.values()].sort((a, b) => byDataset(a).localeCompare(byDataset(b)));
  // Reference data first: the local workflow runs in arrival order and payments are matched against it.
  return {
    root,
    files: inUploadOrder(files, (a, b) => a.key.localeCompare(b.key)),
    skipped,
    mappings: planned,
  };
}

function readMappingFile(
  path: string,
  kind: DatasetKind,
  problem: (message: string) => void,
): Record<string, string> | undefined {
  try {
    const columns = parseMappingLines(readFileSync(path, 'utf8').split(/\r?\n/));
    const problems = columnMappingProblems(kind, columns);
    for (const p of problems) problem(p);
    return problems.length === 0 ? columns : undefined;
  } catch (error) {
    problem(error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

/**
 * `--map 列名=列` applies to every department's kind in the folder that has that column (it
 * adds to, and beats, a mapping file). A column no kind in the folder has is a problem.
 */
function applyCommandLineMap(
  map: Readonly<Record<string, string>>,
  files: readonly PlannedFile[],
  mappings: Map<string, PlannedMapping>,
  problems: string[],
): void {
  if (Object.keys(map).length === 0) return;
  const datasets = new Map(files.map((f) => [`${f.department}/${f.kind}`, f]));
  for (const [header, column] of Object.entries(map)) {
    const targets = [...datasets.entries()].filter(
      ([, f]) => columnMappingProblems(f.kind, { [header]: column }).length === 0,
    );
    if (targets.length === 0) {
      problems.push(
        `--map ${header}=${column}：目录中没有哪种数据含有列 ${column}（数据类型：${[...new Set(files.map((f) => f.kind))].join('、')}）`,
      );
      continue;
    }
    for (const [key, f] of targets) {
      const current = mappings.get(key);
      mappings.set(key, {
        department: f.department,
        kind: f.kind,
        columns: { ...(current?.columns ?? {}), [header]: column },
      });
    }
  }
}

/** SHA-256 of a file, hex, streamed: what the pipeline derives the version id from. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
