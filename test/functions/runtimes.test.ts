import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RULE_CONFIG } from '@jiandu/domain';
import { describe, expect, it } from 'vitest';
import { ApiEnv } from '../../functions/runtimes/api.js';
import { EnvironmentError, parseEnvironment } from '../../functions/runtimes/env.js';
import { createRuntime as createMatchShard, MatchShardEnv } from '../../functions/runtimes/match-shard.js';
import { createRuntime as createOverdueLeads } from '../../functions/runtimes/overdue-leads.js';
import { PlanCollisionEnv } from '../../functions/runtimes/plan-collision.js';
import { ScoreAndStoreEnv } from '../../functions/runtimes/score-and-store.js';
import {
  createRuntime as createSyncDisclosure,
  DISCLOSURE_SYNC_FAILED,
  SyncDisclosureEnv,
} from '../../functions/runtimes/sync-disclosure.js';

const REGION = { AWS_REGION: 'cn-north-1' };

function environmentError(build: () => unknown): EnvironmentError {
  try {
    build();
  } catch (error) {
    if (error instanceof EnvironmentError) return error;
    throw error;
  }
  throw new Error('expected an EnvironmentError');
}

describe('function environments at start-up', () => {
  it('the disclosure sync alone reads DISCLOSURE_CONFIG, checked once, naming the path', () => {
    const store = { TABLE_NAME: 'jiandu', DATA_BUCKET: 'd', PLATFORM_SECRET_FILE: '/tmp/secret' };
    const env = parseEnvironment('SyncDisclosure', SyncDisclosureEnv, {
      ...store,
      DISCLOSURE_CONFIG: JSON.stringify({ default: { monthsBack: 24 } }),
    });
    expect(env.DISCLOSURE_CONFIG.default).toEqual({ publish: true, monthsBack: 24 });
    const error = environmentError(() =>
      parseEnvironment('SyncDisclosure', SyncDisclosureEnv, {
        ...store,
        DISCLOSURE_CONFIG: JSON.stringify({ default: { monthsBack: 0 } }),
      }),
    );
    expect(error.functionName).toBe('SyncDisclosure');
    expect(error.issues.map((i) => i.path)).toEqual(['DISCLOSURE_CONFIG.default.monthsBack']);
    // ScoreAndStore keeps no projections any more: it neither reads nor is handed the setting.
    expect(Object.keys(ScoreAndStoreEnv.shape)).not.toContain('DISCLOSURE_CONFIG');
  });

  it('ends a sync that failed for another reason than a transient fault as DisclosureSyncFailed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jiandu-sync-'));
    writeFileSync(join(dir, 'secret'), 'jiandu-test-master-secret-0123456789abcdef');
    const runtime = await createSyncDisclosure({
      ...REGION,
      TABLE_NAME: 'jiandu',
      DATA_BUCKET: 'd',
      PLATFORM_SECRET_FILE: join(dir, 'secret'),
    });
    // An input the ASL never sends: nothing is read or written, and the error names the step.
    await expect(runtime.handler({ trigger: 1 })).rejects.toMatchObject({ name: DISCLOSURE_SYNC_FAILED });
    rmSync(dir, { recursive: true, force: true });
  });

  it('the shard matcher needs only the data bucket (no table, no upload bucket, no workflow)', () => {
    const runtime = createMatchShard({ ...REGION, DATA_BUCKET: 'jiandu-data' });
    expect(typeof runtime.handler).toBe('function');
    expect(parseEnvironment('MatchShard', MatchShardEnv, { DATA_BUCKET: 'd' }).RULE_CONFIG).toEqual(
      DEFAULT_RULE_CONFIG,
    );
  });

  it('names the function, every bad variable and the path inside a JSON setting', () => {
    const error = environmentError(() =>
      createMatchShard({ RULE_CONFIG: JSON.stringify({ R01: { graceMonths: 'three' }, R99: {} }) }),
    );
    expect(error.functionName).toBe('MatchShard');
    expect(error.issues.map((i) => i.path)).toEqual([
      'DATA_BUCKET',
      'RULE_CONFIG.R01.graceMonths',
      'RULE_CONFIG',
    ]);
    expect(error.issues.map((i) => i.variable)).toEqual(['DATA_BUCKET', 'RULE_CONFIG', 'RULE_CONFIG']);
    expect(error.message).toContain('函数 MatchShard 的环境变量无效');
    expect(error.message).toContain('DATA_BUCKET：未设置');
    expect(error.message).toMatch(/RULE_CONFIG\.R01\.graceMonths：/);
    expect(error.message).toMatch(/R99/);
  });

  it('says when a JSON setting is not JSON at all', () => {
    const error = environmentError(() =>
      createMatchShard({ DATA_BUCKET: 'jiandu-data', RULE_CONFIG: '{ R01: { enabled: false } }' }),
    );
    expect(error.issues).toEqual([
      { variable: 'RULE_CONFIG', path: 'RULE_CONFIG', message: expect.stringMatching(/^不是有效的 JSON（/) },
    ]);
  });

  it('applies a valid JSON setting', () => {
    const env = parseEnvironment('MatchShard', MatchShardEnv, {
      DATA_BUCKET: 'd',
      RULE_CONFIG: JSON.stringify({ R01: { graceMonths: 3 } }),
    });
    expect(env.RULE_CONFIG.R01.graceMonths).toBe(3);
  });

  it('the collision planner sizes its shards from the defaults or checked overrides', () => {
    const store = { TABLE_NAME: 'jiandu', DATA_BUCKET: 'd' };
    expect(parseEnvironment('PlanCollision', PlanCollisionEnv, store)).toMatchObject({
      COLLISION_ROWS_PER_SHARD: 250_000,
      COLLISION_MIN_SHARDS: 2,
      COLLISION_MAX_SHARDS: 16,
    });
    expect(
      parseEnvironment('PlanCollision', PlanCollisionEnv, { ...store, COLLISION_MAX_SHARDS: '64' }),
    ).toMatchObject({ COLLISION_MAX_SHARDS: 64 });
    const error = environmentError(() =>
      parseEnvironment('PlanCollision', PlanCollisionEnv, {
        ...store,
        COLLISION_MIN_SHARDS: '12',
        COLLISION_ROWS_PER_SHARD: 'many',
      }),
    );
    expect(error.issues).toEqual([
      { variable: 'COLLISION_ROWS_PER_SHARD', path: 'COLLISION_ROWS_PER_SHARD', message: '必须是行数' },
      {
        variable: 'COLLISION_MIN_SHARDS',
        path: 'COLLISION_MIN_SHARDS',
        message: '必须是 2 的幂（1、2、4、8、16…）',
      },
    ]);
    expect(
      environmentError(() =>
        parseEnvironment('PlanCollision', PlanCollisionEnv, {
          ...store,
          COLLISION_MIN_SHARDS: '32',
          COLLISION_MAX_SHARDS: '8',
        }),
      ).issues,
    ).toEqual([
      {
        variable: 'COLLISION_MIN_SHARDS',
        path: 'COLLISION_MIN_SHARDS',
        message: '不能大于 COLLISION_MAX_SHARDS',
      },
    ]);
  });

  it('a scheduled job on the table does not ask for buckets', () => {
    expect(typeof createOverdueLeads({ ...REGION, TABLE_NAME: 'jiandu' }).handler).toBe('function');
    expect(environmentError(() => createOverdueLeads({ TABLE_NAME: '' })).issues).toEqual([
      { variable: 'TABLE_NAME', path: 'TABLE_NAME', message: '不能为空' },
    ]);
  });

  it('the API checks its identity settings and the workflow ARN', () => {
    const error = environmentError(() =>
      // The API's runtime is async (it reads the platform keys first); its variables are checked before that.
      parseEnvironment('Api', ApiEnv, {
        ...REGION,
        TABLE_NAME: 'jiandu',
        AUDIT_TABLE_NAME: 'jiandu-audit',
        UPLOAD_BUCKET: 'u',
        DATA_BUCKET: 'd',
        STATE_MACHINE_ARN: 'jiandu-collision',
        JWT_ISSUER: 'not a url',
        JWT_AUDIENCE: 'client',
        JWKS_URL: 'https://issuer.example/.well-known/jwks.json',
        LEAD_LIST_MIN_SCORE: '101',
      }),
    );
    expect(error.issues.map((i) => i.variable).sort()).toEqual([
      'JWT_ISSUER',
      'LEAD_LIST_MIN_SCORE',
      'STATE_MACHINE_ARN',
    ]);
    expect(error.message).toContain('JWT_ISSUER：必须是 URL');
    expect(error.message).toContain('STATE_MACHINE_ARN：必须是 ARN');
  });
});
