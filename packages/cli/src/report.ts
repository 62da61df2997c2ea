/**
 * Human-readable (zh-CN) reports of an upload: one block per file and a summary line.
 * Only counts, codes and file names: never an ID number or a person's name.
 */
import { STATUS_LABELS } from '@jiandu/domain/datasets/corrections';
import type { FileOutcome, FileResult } from './upload.js';

const MARK: Readonly<Record<FileOutcome, string>> = {
  new: '✔ 新版本',
  unchanged: '= 未变化',
  restored: '✔ 已恢复',
  held: '⏸ 暂不生效',
  rejected: '✘ 文件被拒绝',
  failed: '✘ 处理失败',
};

const STATUS: Readonly<Record<string, string>> = STATUS_LABELS;

const HOW: Readonly<Record<string, string>> = { content: '按内容识别', mapping: '按列映射' };

/** The report block of one file. */
export function formatResult(result: FileResult): string[] {
  const { file, version } = result;
  const lines = [`${MARK[result.outcome]}  ${file.relativePath}`];
  if (version) lines.push(`    版本 ${version.versionId}（${STATUS[version.status] ?? version.status}）`);
  if (result.outcome === 'unchanged') lines.push('    与平台已有版本字节相同，数据没有任何变化');
  if (result.outcome === 'restored') lines.push('    与此前撤回的版本字节相同：该版本已恢复生效，并重新碰撞');
  if (result.message) lines.push(`    原因：${result.message}`);
  const error = version?.error;
  if (error?.expected && error.expected.length > 0) lines.push(`    需要的列：${error.expected.join('、')}`);
  if (error?.found && error.found.length > 0) lines.push(`    文件中的列：${error.found.join('、')}`);
  const q = version?.quality;
  if (q && result.outcome !== 'rejected') {
    lines.push(`    读取 ${q.rowsRead} 行：接受 ${q.accepted}，拒绝 ${q.rejected}`);
    // Columns not recognised by their header alone: how they were placed.
    for (const c of q.columns ?? [])
      if (c.how !== 'alias') lines.push(`    列「${c.header}」→ ${c.column}（${HOW[c.how]}）`);
    const reasons = Object.entries(q.rejectedByReason);
    if (reasons.length > 0) lines.push(`    拒绝原因：${reasons.map(([r, n]) => `${r} ${n}`).join('，')}`);
    lines.push(`    身份证号：修复 ${q.idsRepaired}，无法恢复 ${q.idsLost}`);
    if (q.unknownPrograms.length > 0) lines.push(`    未知项目（已保留）：${q.unknownPrograms.join('、')}`);
    for (const warning of q.warnings.slice(0, 5)) lines.push(`    提示：${warning}`);
    if (q.warnings.length > 5) lines.push(`    提示：另有 ${q.warnings.length - 5} 条`);
  }
  return lines;
}

/** The summary line of an upload. */
export function formatSummary(results: readonly FileResult[]): string {
  const count = (o: FileOutcome) => results.filter((r) => r.outcome === o).length;
  return (
    `共 ${results.length} 个文件：新版本 ${count('new')}，未变化 ${count('unchanged')}，` +
    // Only when it happened: most uploads never see a restore or a hold.
    (['restored', 'held'] as const)
      .filter((o) => count(o) > 0)
      .map((o) => `${o === 'restored' ? '已恢复' : '暂不生效'} ${count(o)}，`)
      .join('') +
    `被拒绝 ${count('rejected')}，处理失败 ${count('failed')}`
  );
}

/** A machine-readable result (`--json`), without file system paths of this machine. */
export function resultJson(result: FileResult): Record<string, unknown> {
  const { file, version } = result;
  return {
    file: file.relativePath,
    key: file.key,
    department: file.department,
    kind: file.kind,
    fileHash: result.fileHash,
    outcome: result.outcome,
    ...(result.message ? { message: result.message } : {}),
    ...(version
      ? {
          versionId: version.versionId,
          status: version.status,
          ...(version.quality ? { quality: version.quality } : {}),
          ...(version.error ? { error: version.error } : {}),
        }
      : {}),
  };
}
