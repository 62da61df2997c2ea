import { describe, expect, it } from 'vitest';
import { type FailedRun, formatFailedRun } from '../src/runs.js';

const run = (trigger: string, file?: string): FailedRun => ({
  id: 'exec-1',
  startedAt: '2026-12-03T08:00:00.000Z',
  trigger,
  ...(file ? { file } : {}),
  reason: '读取数据时连接中断',
  error: 'TransientError',
  detail: 'read ECONNRESET',
  redrivable: true,
  redriveCount: 0,
});

describe('a failed run as `runs failed` prints it', () => {
  it('names what started it in Chinese, the upload with its file', () => {
    expect(formatFailedRun(run('Object Created', 'uploads/civil-affairs/subsidy_payments/1月.csv'))[0]).toBe(
      '✘ exec-1  2026-12-03T08:00:00.000Z  上传 civil-affairs/subsidy_payments/1月.csv',
    );
    const names = [
      'Collision Pending',
      'Version Mapping Applied',
      'Divisions Changed',
      'Version Withdrawn',
      'Version Restored',
      'Version Confirmed',
      'Scheduled Event',
    ].map((trigger) => formatFailedRun(run(trigger))[0]?.split('  ').at(-1));
    expect(names).toEqual([
      '批量碰撞',
      '按列映射重读',
      '区划变更后重读',
      '撤回数据版本后碰撞',
      '恢复数据版本后碰撞',
      '确认数据版本后碰撞',
      '定时碰撞',
    ]);
  });

  it('says why, and how to run it again', () => {
    expect(formatFailedRun(run('Collision Pending')).slice(1)).toEqual([
      '    原因：读取数据时连接中断',
      '    详情：TransientError：read ECONNRESET',
      '    重新驱动：npm run cli -- runs redrive exec-1',
    ]);
  });
});
