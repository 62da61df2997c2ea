import { describe, expect, it } from 'vitest';
import { type CollisionResult, collisionFailed, formatCollision } from '../src/complete.js';

const ARN = 'arn:aws:states:cn-north-1:000000000000:execution:jiandu-collision:burst-1';
const base = { started: true, kinds: ['subsidy_payments', 'death_records'], message: '已开始' };

describe("the burst's collision report", () => {
  it('says what the run found and, beside it, what the disclosure sync changed', () => {
    const result: CollisionResult = {
      ...base,
      execution: { executionArn: ARN, status: 'SUCCEEDED', key: undefined },
      summary: {
        runId: 'run-1',
        leadsNew: 3,
        leadsUpdated: 1,
        leadsUnchanged: 5,
        leadsSuperseded: 0,
        findings: 9,
        disclosure: { unitsAdded: 4, unitsRemoved: 1, paymentsWritten: 120, seconds: 2.345 },
      },
    };
    expect(formatCollision(result)).toEqual([
      '✔ 碰撞完成（一次覆盖 2 类数据：subsidy_payments、death_records）',
      '    运行 run-1：发现 9，线索新增 3，更新 1，未变 5，作废 0',
      '    公示数据已同步：新增 4 份、移除 1 份数据，写入发放记录 120 条（2.3 秒）',
    ]);
  });

  it('tells a failed sync (leads stored) from a failed collision, with the redrive command', () => {
    const failedWith = (error: string): CollisionResult => ({
      ...base,
      execution: {
        executionArn: ARN,
        status: 'FAILED',
        key: undefined,
        error,
        cause: 'Item size has exceeded the maximum allowed size',
      },
    });
    const syncFailed = failedWith('DisclosureSyncFailed');
    expect(collisionFailed(syncFailed)).toBe(true);
    const lines = formatCollision(syncFailed);
    expect(lines[0]).toContain('线索已入库');
    expect(lines[1]).toBe('✘ 公示数据同步失败：Item size has exceeded the maximum allowed size');
    expect(lines[2]).toContain('npm run cli -- runs redrive burst-1');

    expect(formatCollision(failedWith('TypeError'))).toEqual([
      '✘ 碰撞失败（FAILED）：TypeError Item size has exceeded the maximum allowed size',
    ]);
  });
});
