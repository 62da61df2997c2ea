import type { Server } from 'node:http';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { StepFunctionsCollisionStarter } from '@jiandu/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionQueue } from '../src/executions.js';
import { LOCAL_STATE_MACHINE_ARN, serveSfnApi } from '../src/sfn-api.js';
import { createWorkflow } from '../src/workflow.js';

describe('local Step Functions API', () => {
  let server: Server;
  let sfn: SFNClient;
  const planned: unknown[] = [];

  beforeAll(async () => {
    const queue = new ExecutionQueue(
      createWorkflow({
        Normalize: async () => ({ outcome: 'duplicate' }),
        RecordPending: async () => ({}),
        PlanCollision: async (input) => {
          planned.push(input);
          return { runId: 'run-1', manifestKey: 'm', shards: [] };
        },
        MatchShard: async () => ({}),
        ScoreAndStore: async (input) => ({ stored: input }),
        SyncDisclosure: async () => ({ unitsAdded: 0 }),
      }),
      () => {},
    );
    const served = await serveSfnApi(queue, 0);
    server = served.server;
    const port = (server.address() as { port: number }).port;
    sfn = new SFNClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
  });

  afterAll(() => {
    server?.close();
    sfn?.destroy();
  });

  it('starts a collision run through the real SDK client and reports it', async () => {
    const starter = new StepFunctionsCollisionStarter(sfn, LOCAL_STATE_MACHINE_ARN);
    const arn = await starter.start('Version Withdrawn', { versionId: 'v-1' });
    for (let i = 0; i < 100; i++) {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
      if (d.status !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const done = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(done.status).toBe('SUCCEEDED');
    expect(done.startDate).toBeInstanceOf(Date);
    expect(JSON.parse(done.input ?? '{}')).toMatchObject({
      'detail-type': 'Version Withdrawn',
      detail: { versionId: 'v-1' },
    });
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({
      stored: { runId: 'run-1', shards: [] },
      disclosure: { unitsAdded: 0 },
    });
    expect(planned).toEqual([expect.objectContaining({ trigger: 'Version Withdrawn' })]);

    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: LOCAL_STATE_MACHINE_ARN }));
    expect(listed.executions?.map((e) => e.executionArn)).toContain(arn);
  });

  it('answers with Step Functions errors the SDK understands', async () => {
    await expect(
      sfn.send(new DescribeExecutionCommand({ executionArn: `${LOCAL_STATE_MACHINE_ARN}:nope` })),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(
      sfn.send(
        new StartExecutionCommand({ stateMachineArn: LOCAL_STATE_MACHINE_ARN, input: '{"source":"aws.s3"}' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
    await expect(
      sfn.send(
        new ListExecutionsCommand({ stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:other' }),
      ),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
  });
});
