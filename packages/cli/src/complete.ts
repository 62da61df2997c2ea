/**
 * The end of a burst: tell the platform the uploads are complete (`POST
 * /api/v1/uploads/complete`), so the one collision covering every uploaded kind starts now
 * instead of after the quiet period, and follow that run to its end.
 */
import * as z from 'zod';
import type { ApiClient } from './api.js';
import { type ExecutionView, followExecution } from './executions.js';
import type { Target } from './target.js';

const CompleteAnswer = z.object({
  started: z.boolean(),
  executionId: z.string().optional(),
  kinds: z.array(z.string()),
  message: z.string(),
});

/** The run's output: the collision's figures and, beside them, what the disclosure sync changed. */
const RunSummary = z.object({
  runId: z.string(),
  leadsNew: z.number(),
  leadsUpdated: z.number(),
  leadsUnchanged: z.number(),
  leadsSuperseded: z.number(),
  findings: z.number(),
  disclosure: z
    .object({
      unitsAdded: z.number(),
      unitsRemoved: z.number(),
      paymentsWritten: z.number(),
      seconds: z.number(),
    })
    .optional(),
});

/** The error a run ends with when its leads are stored but the disclosure sync failed twice (`functions/runtimes/sync-disclosure.ts`). */
const DISCLOSURE_SYNC_FAILED = 'DisclosureSyncFailed';

/** What became of the burst's collision. */
export interface CollisionResult {
  /** The platform's answer to "complete" (zh-CN `message`). */
  readonly started: boolean;
  readonly kinds: readonly string[];
  readonly message: string;
  /** The run's execution once it finished (when one was started). */
  readonly execution?: ExecutionView;
  /** Its figures, when it succeeded. */
  readonly summary?: z.infer<typeof RunSummary>;
}

/** Options of {@link completeBurst}. */
export interface CompleteOptions {
  readonly target: Target;
  readonly api: ApiClient;
  readonly progress: (line: string) => void;
  readonly timeoutMs: number;
  readonly pollMs?: number;
}

/** Say the uploads are complete and wait for the collision that starts. */
export async function completeBurst(options: CompleteOptions): Promise<CollisionResult> {
  const answer = CompleteAnswer.parse(await options.api.send('POST', '/api/v1/uploads/complete', {}));
  if (!answer.started || answer.executionId === undefined) return answer;
  options.progress(`开始碰撞（${answer.kinds.length} 类数据）：${answer.executionId}`);
  const execution = await followExecution(options.target.sfn, answer.executionId, {
    timeoutMs: options.timeoutMs,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
  });
  const summary = RunSummary.safeParse(execution.output);
  return { ...answer, execution, ...(summary.success ? { summary: summary.data } : {}) };
}

/** Whether the collision failed (a started run that did not succeed). */
export function collisionFailed(result: CollisionResult): boolean {
  return result.execution !== undefined && result.execution.status !== 'SUCCEEDED';
}

/** The report lines of a burst's collision (zh-CN; counts only). */
export function formatCollision(result: CollisionResult): string[] {
  if (!result.execution) return [`碰撞：${result.message}`];
  if (collisionFailed(result)) {
    const { status, error, cause, executionArn } = result.execution;
    if (error === DISCLOSURE_SYNC_FAILED)
      return [
        `✔ 碰撞完成，线索已入库（一次覆盖 ${result.kinds.length} 类数据）`,
        `✘ 公示数据同步失败：${cause ?? ''}`,
        `    公开页面仍是上次同步的数据；排除原因后重新驱动（只重做同步）：npm run cli -- runs redrive ${executionArn.split(':').at(-1)}`,
      ];
    return [`✘ 碰撞失败（${status}）：${[error, cause].filter(Boolean).join(' ')}`];
  }
  const s = result.summary;
  const d = s?.disclosure;
  return [
    `✔ 碰撞完成（一次覆盖 ${result.kinds.length} 类数据：${result.kinds.join('、')}）`,
    ...(s
      ? [
          `    运行 ${s.runId}：发现 ${s.findings}，线索新增 ${s.leadsNew}，更新 ${s.leadsUpdated}，未变 ${s.leadsUnchanged}，作废 ${s.leadsSuperseded}`,
        ]
      : []),
    ...(d
      ? [
          `    公示数据已同步：新增 ${d.unitsAdded} 份、移除 ${d.unitsRemoved} 份数据，写入发放记录 ${d.paymentsWritten} 条（${d.seconds.toFixed(1)} 秒）`,
        ]
      : []),
  ];
}

/** The machine-readable collision result (`--json`). */
export function collisionJson(result: CollisionResult): Record<string, unknown> {
  return {
    started: result.started,
    kinds: result.kinds,
    message: result.message,
    ...(result.execution
      ? { executionArn: result.execution.executionArn, status: result.execution.status }
      : {}),
    ...(result.summary ? { summary: result.summary } : {}),
  };
}
