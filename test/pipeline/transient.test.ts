import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { NoSuchKey, S3ServiceException } from '@aws-sdk/client-s3';
import { objectCreatedEvent } from '@jiandu/local/events';
import { createWorkflow, type TaskHandlers } from '@jiandu/local/workflow';
import { CLOUD_DEFINITION, collisionDefinition } from '@jiandu/pipeline/definition';
import {
  isTransient,
  surfaceTransientErrors,
  TRANSIENT_ERROR,
  TransientError,
} from '@jiandu/pipeline/transient';
import { describe, expect, it } from 'vitest';
import { connectionReset } from '../support/faults.js';

const meta = (httpStatusCode: number) => ({ httpStatusCode, attempts: 4, totalRetryDelay: 900 });

describe('transient error classification', () => {
  it('takes resets, timeouts, throttling and 5xx answers as transient', () => {
    expect(isTransient(connectionReset())).toBe(true);
    expect(isTransient(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe(true);
    expect(isTransient(new Error('socket hang up'))).toBe(true);
    expect(isTransient(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe(true);
    expect(
      isTransient(
        new ProvisionedThroughputExceededException({ message: 'Throughput exceeded', $metadata: meta(400) }),
      ),
    ).toBe(true);
    const slowDown = new S3ServiceException({
      name: 'SlowDown',
      $fault: 'server',
      $metadata: meta(503),
      message: 'Please reduce your request rate.',
    });
    expect(isTransient(slowDown)).toBe(true);
    const internal = new S3ServiceException({
      name: 'Unknown',
      $fault: 'server',
      $metadata: meta(500),
      message: 'We encountered an internal error',
    });
    expect(isTransient(internal)).toBe(true);
    expect(isTransient(Object.assign(new Error('Rate exceeded'), { name: 'RequestLimitExceeded' }))).toBe(
      true,
    );
    // A store adapter that wraps the SDK's error keeps it transient.
    expect(isTransient(new Error('could not write leads', { cause: connectionReset() }))).toBe(true);
  });

  it('leaves data, code and permission errors alone: they would fail the same way again', () => {
    expect(
      isTransient(
        new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: meta(400),
        }),
      ),
    ).toBe(false);
    expect(
      isTransient(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: meta(404) })),
    ).toBe(false);
    const denied = new S3ServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: meta(403),
      message: 'Access Denied',
    });
    expect(isTransient(denied)).toBe(false);
    expect(isTransient(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isTransient('ECONNRESET')).toBe(false);
    expect(isTransient(undefined)).toBe(false);
  });

  it('surfaces a transient error under the name the workflow retries, and others unchanged', async () => {
    const failing = (error: Error) => surfaceTransientErrors(async () => Promise.reject(error));
    const surfaced = await failing(connectionReset())().catch((e: unknown) => e);
    expect(surfaced).toBeInstanceOf(TransientError);
    expect((surfaced as Error).name).toBe(TRANSIENT_ERROR);
    expect((surfaced as Error).message).toContain('read ECONNRESET');
    const bug = new TypeError('x is not a function');
    await expect(failing(bug)()).rejects.toBe(bug);
  });

  it('is retried by every task state of the workflow with back-off and jitter', () => {
    type Retrier = { ErrorEquals: string[]; JitterStrategy?: string; BackoffRate?: number };
    const tasks: { Retry?: Retrier[] }[] = [];
    // Every Task state, wherever it sits (inside a Map's processor or a Parallel branch too).
    JSON.stringify(
      collisionDefinition(CLOUD_DEFINITION),
      (_key, value: { Type?: string; Retry?: Retrier[] }) => {
        if (value?.Type === 'Task') tasks.push(value);
        return value;
      },
    );
    // Five tasks, Normalize twice (an upload, and places read again after divisions changed)
    // and SyncDisclosure twice (beside the collision, and once more after it).
    expect(tasks).toHaveLength(8);
    for (const task of tasks) {
      const retry = task.Retry?.find((r) => r.ErrorEquals.includes(TRANSIENT_ERROR));
      expect(retry?.ErrorEquals).toEqual(expect.arrayContaining(['States.Timeout', 'Sandbox.Timedout']));
      expect(retry?.JitterStrategy).toBe('FULL');
      expect(retry?.BackoffRate).toBeGreaterThan(1);
    }
  });
});

describe('a transient fault inside a task, in the workflow', () => {
  const event = objectCreatedEvent({
    bucket: 'uploads',
    key: 'uploads/police/death_records/a.csv',
    size: 10,
    etag: 'e',
    time: new Date('2024-01-01T00:00:00Z'),
  });
  const duplicate = {
    outcome: 'duplicate',
    versionId: 'v-1',
    department: 'police',
    kind: 'death_records',
    accepted: 0,
    rejected: 0,
  };
  const workflowWithNormalize = (normalize: () => Promise<unknown>) => {
    const unused = async () => {
      throw new Error('not reached');
    };
    return createWorkflow({
      Normalize: surfaceTransientErrors(normalize),
      RecordPending: unused,
      PlanCollision: unused,
      MatchShard: unused,
      ScoreAndStore: unused,
      SyncDisclosure: unused,
    } satisfies TaskHandlers);
  };

  it('runs the task again after a reset, and the execution succeeds', async () => {
    let calls = 0;
    const workflow = workflowWithNormalize(async () => {
      calls += 1;
      if (calls === 1) throw connectionReset();
      return duplicate;
    });
    await expect(workflow.run(event).result).resolves.toMatchObject({ version: duplicate });
    expect(calls).toBe(2);
  }, 20_000);

  it('fails the execution at once on an error that is not transient', async () => {
    let calls = 0;
    const workflow = workflowWithNormalize(async () => {
      calls += 1;
      throw new TypeError('x is not a function');
    });
    await expect(workflow.run(event).result).rejects.toThrow();
    expect(calls).toBe(1);
  });
});
