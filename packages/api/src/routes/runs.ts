import type { FailedExecution } from '@jiandu/domain/ports';
import * as z from 'zod';
import { recordAudit } from './audit.js';
import type { ApiDeps, RouteSpec } from './types.js';
import { INSPECTORS, parse } from './types.js';

/** In Chinese, what a failed execution's error means and what to do about it. */
function failureReason(error: string): string {
  switch (error) {
    case 'TransientError':
      return '暂时性故障（连接中断、限流或服务暂不可用），自动重试后仍未成功；可重新驱动';
    case 'States.Timeout':
    case 'Sandbox.Timedout':
      return '处理步骤超时，自动重试后仍未完成；可重新驱动';
    case 'FileRejected':
      return '文件无法按其数据类型读取（原因见该文件的数据版本）；请修正后重新上传';
    // functions/runtimes/sync-disclosure.ts: the sync beside the collision failed twice.
    case 'DisclosureSyncFailed':
      return '公示数据同步失败（线索已入库，不受影响；公开页面仍是上次同步的数据）；请查看详情，排除原因后重新驱动，只重做同步';
    default:
      return error.startsWith('Lambda.')
        ? '函数服务暂不可用，自动重试后仍未成功；可重新驱动'
        : '处理步骤出错；请查看详情，排除原因后重新驱动';
  }
}

/** A failed execution as staff read it: the Chinese reason first, the technical detail after. */
function failedView(e: FailedExecution) {
  return {
    id: e.id,
    startedAt: e.startedAt,
    ...(e.stoppedAt ? { stoppedAt: e.stoppedAt } : {}),
    trigger: e.trigger,
    ...(e.file ? { file: e.file } : {}),
    reason: failureReason(e.error),
    error: e.error,
    detail: e.cause,
    redrivable: e.redrivable,
    redriveCount: e.redriveCount,
  };
}

const FailedQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) });
/** Execution names: what EventBridge, the API and Step Functions give them (UUIDs, event ids). */
const ExecutionId = z.object({
  executionId: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, '编号格式不正确'),
});

/** Collision runs and their figures; failed workflow executions and their redrive. */
export function runRoutes(deps: ApiDeps): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/runs',
      access: INSPECTORS,
      summary: 'Recent collision runs and their figures',
      handle: async (c) => c.json({ items: await deps.runs.list(50) }),
    },
    {
      method: 'GET',
      path: '/api/v1/runs/failed',
      access: INSPECTORS,
      summary:
        'Failed workflow executions, newest first, with the reason in Chinese and whether they can be redriven',
      request: { query: FailedQuery },
      handle: async (c) => {
        const q = parse(FailedQuery, c.req.query(), 'query');
        return c.json({ items: (await deps.executions.listFailed(q.limit)).map(failedView) });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/runs/failed/:executionId/redrive',
      access: INSPECTORS,
      summary: 'Redrive a failed workflow execution from the step that failed',
      handle: async (c) => {
        const { executionId } = parse(ExecutionId, c.req.param(), 'path');
        // A redrive re-runs collision work: on the audit log like every other change.
        await recordAudit(deps, c, 'run.redrive', { executionId });
        const { redrivenAt } = await deps.executions.redrive(executionId);
        return c.json({ id: executionId, redrivenAt }, 202);
      },
    },
  ];
}
