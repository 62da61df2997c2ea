import { PENDING_COLLISION_TRIGGER } from '@jiandu/domain/collision-burst';
import { REPROCESS_REQUEST } from '@jiandu/domain/datasets/column-mappings';
import { PLACES_REQUEST } from '@jiandu/domain/kinds';
import * as z from 'zod';
import type { ApiClient } from './api.js';

/** A failed workflow execution as `GET /api/v1/runs/failed` lists it. */
const FailedRun = z.object({
  id: z.string(),
  startedAt: z.string(),
  stoppedAt: z.string().optional(),
  trigger: z.string(),
  file: z.string().optional(),
  reason: z.string(),
  error: z.string(),
  detail: z.string(),
  redrivable: z.boolean(),
  redriveCount: z.number(),
});
export type FailedRun = z.infer<typeof FailedRun>;

/** What started a run, as the department and the inspector say it (the trigger as a fallback). */
const TRIGGERS: Readonly<Record<string, string>> = {
  'Object Created': '上传',
  'Scheduled Event': '定时碰撞',
  [PENDING_COLLISION_TRIGGER]: '批量碰撞',
  [REPROCESS_REQUEST]: '按列映射重读',
  [PLACES_REQUEST]: '区划变更后重读',
  'Version Withdrawn': '撤回数据版本后碰撞',
  'Version Restored': '恢复数据版本后碰撞',
  'Version Confirmed': '确认数据版本后碰撞',
};

/** The lines of one failed run: what it was, why it failed, what to do. */
export function formatFailedRun(run: FailedRun): string[] {
  const what = run.file
    ? `${TRIGGERS[run.trigger] ?? run.trigger} ${run.file.replace(/^uploads\//, '')}`
    : (TRIGGERS[run.trigger] ?? run.trigger);
  return [
    `✘ ${run.id}  ${run.startedAt}  ${what}`,
    `    原因：${run.reason}`,
    `    详情：${run.error}${run.detail ? `：${run.detail}` : ''}`,
    ...(run.redriveCount > 0 ? [`    已重新驱动 ${run.redriveCount} 次`] : []),
    run.redrivable
      ? `    重新驱动：npm run cli -- runs redrive ${run.id}`
      : '    不能重新驱动（文件本身的问题：修正后重新上传）',
  ];
}

/** `runs failed`: the failed workflow executions, newest first; the text to print. */
export async function failedRuns(api: ApiClient, json: boolean): Promise<string> {
  const res = await api.get('/api/v1/runs/failed');
  const page = z.object({ items: z.array(FailedRun) }).parse(await res.json());
  if (json) return `${JSON.stringify(page, null, 2)}\n`;
  if (page.items.length === 0) return '没有失败的处理流程\n';
  const lines = page.items.flatMap(formatFailedRun);
  return `失败的处理流程 ${page.items.length} 个（最新的在前）：\n${lines.join('\n')}\n`;
}

/** `runs redrive <id>`: run a failed execution again from the step that failed; the text to print. */
export async function redriveRun(api: ApiClient, id: string): Promise<string> {
  const answer = z
    .object({ id: z.string(), redrivenAt: z.string() })
    .parse(await api.send('POST', `/api/v1/runs/failed/${encodeURIComponent(id)}/redrive`, {}));
  return `已重新驱动 ${answer.id}（${answer.redrivenAt}）：从失败的步骤继续处理；用 npm run cli -- runs failed 查看仍失败的流程\n`;
}
