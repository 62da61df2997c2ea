import { startPendingCollision } from '@jiandu/domain/collision-burst';
import * as z from 'zod';
import { type ApiDeps, clockOf, parseBody, type RouteSpec } from './types.js';

/** Nothing to say but "complete": an empty object, so a mistyped field is an error, not ignored. */
const CompleteBody = z.strictObject({});

/**
 * The end of a burst of uploads: the uploader (the CLI at the end of a folder) says the
 * uploads are complete, and the pending collision starts now instead of after the quiet period.
 */
export function collisionRoutes(deps: ApiDeps): RouteSpec[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/uploads/complete',
      // Whoever uploads, and the county's staff who load data for departments.
      access: ['department_uploader', 'inspector', 'admin'],
      summary: 'Uploads are complete: start the pending collision of the burst now',
      request: { body: CompleteBody },
      handle: async (c) => {
        await parseBody(CompleteBody, c);
        try {
          const outcome = await startPendingCollision(
            { pending: deps.pendingCollisions, collisions: deps.collisions, now: clockOf(deps) },
            { quietSeconds: 0, force: true },
          );
          if (outcome.status === 'started') {
            return c.json({
              started: true,
              executionId: outcome.executionId,
              kinds: outcome.kinds,
              message: `已开始碰撞，涉及 ${outcome.kinds.length} 类数据`,
            });
          }
          if (outcome.status === 'idle') {
            return c.json({ started: false, kinds: [], message: '没有待碰撞的上传：无需碰撞' });
          }
          return c.json({
            started: false,
            kinds: outcome.kinds,
            message: '仍有文件在处理，处理完成并静默一段时间后自动碰撞',
          });
        } catch (error) {
          // The kinds stay pending (startPendingCollision marks them again): the starter retries.
          deps.logError?.(error instanceof Error ? error : new Error(String(error)));
          return c.json(
            {
              started: false,
              kinds: [],
              message: '碰撞任务暂未启动；待碰撞的数据类型已保留，稍后自动开始',
            },
            202,
          );
        }
      },
    },
  ];
}
