import { randomUUID } from 'node:crypto';
import * as z from 'zod';

/**
 * An execution input the platform itself sends (via `StartExecution`) when something other
 * than an upload or the schedule changes what is in force — e.g. a department withdraws a
 * version. Shaped like an EventBridge event so the workflow's `Trigger` treats all inputs
 * alike: anything that isn't `aws.s3` goes straight to `PlanCollision`.
 */
export const CollisionRequestEvent = z.object({
  version: z.literal('0'),
  id: z.string(),
  'detail-type': z.string().min(1),
  source: z.literal('jiandu.platform'),
  time: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type CollisionRequestEvent = z.infer<typeof CollisionRequestEvent>;

/** Build a {@link CollisionRequestEvent}. `reason` becomes the run's trigger, e.g. `Version Withdrawn`. */
export function collisionRequestEvent(
  reason: string,
  detail: Record<string, unknown>,
  time: Date = new Date(),
): CollisionRequestEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': reason,
    source: 'jiandu.platform',
    time: `${time.toISOString().slice(0, 19)}Z`,
    detail,
  };
}
