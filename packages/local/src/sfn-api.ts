import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { CollisionRequestEvent } from '@jiandu/pipeline/contracts';
import { Hono } from 'hono';
import * as z from 'zod';
import { LOCAL_ACCOUNT, LOCAL_REGION, type WorkflowEvent } from './events.js';
import { type ExecutionQueue, type ExecutionRecord, notRedrivable } from './executions.js';

/** The ARN the local state machine answers to (what `STATE_MACHINE_ARN` is set to). */
export const LOCAL_STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:jiandu-collision`;

class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** The execution inputs the collision workflow understands (checked loosely, as its Trigger does). */
const WorkflowInput = z.union([
  CollisionRequestEvent,
  z.looseObject({
    source: z.literal('aws.s3'),
    'detail-type': z.literal('Object Created'),
    time: z.string(),
    detail: z.looseObject({
      bucket: z.looseObject({ name: z.string() }),
      object: z.looseObject({ key: z.string() }),
    }),
  }),
  z.looseObject({
    source: z.literal('aws.events'),
    'detail-type': z.literal('Scheduled Event'),
    time: z.string(),
  }),
]);

const epochSeconds = (iso: string | undefined) => (iso ? Date.parse(iso) / 1000 : undefined);

/** Step Functions reports queued executions as running: they have started as far as callers can tell. */
const status = (r: ExecutionRecord) => (r.status === 'QUEUED' ? 'RUNNING' : r.status);

function listItem(r: ExecutionRecord) {
  return {
    executionArn: r.executionArn,
    stateMachineArn: LOCAL_STATE_MACHINE_ARN,
    name: r.id,
    status: status(r),
    startDate: epochSeconds(r.queuedAt),
    ...(r.stoppedAt ? { stopDate: epochSeconds(r.stoppedAt) } : {}),
    redriveCount: r.redriveCount,
    ...(r.redriveDate ? { redriveDate: epochSeconds(r.redriveDate) } : {}),
  };
}

/** Step Functions' `redriveStatus` of a stopped execution. */
function redriveStatus(r: ExecutionRecord) {
  if (r.status === 'QUEUED' || r.status === 'RUNNING') return {};
  const reason = notRedrivable(r);
  return reason
    ? { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: reason }
    : { redriveStatus: 'REDRIVABLE' };
}

function requireMachine(arn: unknown): void {
  if (arn !== LOCAL_STATE_MACHINE_ARN)
    throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
}

/**
 * The part of the Step Functions API (AWS JSON 1.0 protocol) that the platform and its
 * command line use — StartExecution, DescribeExecution, ListExecutions, RedriveExecution — served over the
 * local execution queue, so the real `SFNClient` works against `npm start` unchanged.
 */
export function sfnApi(queue: ExecutionQueue): Hono {
  const app = new Hono();
  const find = (arn: unknown): ExecutionRecord => {
    const record = queue.records().find((r) => r.executionArn === arn);
    if (!record) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return record;
  };
  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    StartExecution(body) {
      requireMachine(body.stateMachineArn);
      let input: unknown;
      try {
        input = JSON.parse(String(body.input ?? '{}'));
      } catch {
        throw new SfnError('InvalidExecutionInput', 'Input is not valid JSON');
      }
      // Anything the workflow accepts may be started by hand — as in AWS, where replaying an
      // event (e.g. a redelivered Object Created) is a StartExecution with the same input.
      const event = WorkflowInput.safeParse(input);
      if (!event.success) {
        throw new SfnError(
          'InvalidExecutionInput',
          'Expected an S3 Object Created event, a Scheduled Event or a jiandu.platform collision request',
        );
      }
      const name = typeof body.name === 'string' ? body.name : undefined;
      const existing = name ? queue.records().find((r) => r.id === name) : undefined;
      if (existing)
        return { executionArn: existing.executionArn, startDate: epochSeconds(existing.queuedAt) };
      const record = queue.enqueue(event.data as WorkflowEvent, name);
      return { executionArn: record.executionArn, startDate: epochSeconds(record.queuedAt) };
    },
    DescribeExecution(body) {
      const r = find(body.executionArn);
      return {
        ...listItem(r),
        input: JSON.stringify(r.input),
        ...(r.output !== undefined ? { output: JSON.stringify(r.output) } : {}),
        ...(r.error ? { error: r.error.error, cause: r.error.cause } : {}),
        ...redriveStatus(r),
      };
    },
    RedriveExecution(body) {
      const r = find(body.executionArn);
      const token = typeof body.clientToken === 'string' ? body.clientToken : undefined;
      const reason = token && r.redriveToken === token ? undefined : notRedrivable(r);
      if (reason) throw new SfnError('ExecutionNotRedrivable', reason);
      return { redriveDate: epochSeconds(queue.redrive(r.id, token).redriveDate) };
    },
    ListExecutions(body) {
      requireMachine(body.stateMachineArn);
      const filter = typeof body.statusFilter === 'string' ? body.statusFilter : undefined;
      const all = queue
        .records()
        .reverse() // newest first, as Step Functions lists them
        .filter((r) => !filter || status(r) === filter);
      const start = typeof body.nextToken === 'string' ? Number(body.nextToken) : 0;
      const max = typeof body.maxResults === 'number' && body.maxResults > 0 ? body.maxResults : 100;
      const page = all.slice(start, start + max);
      return {
        executions: page.map(listItem),
        ...(start + max < all.length ? { nextToken: String(start + max) } : {}),
      };
    },
  };
  app.post('/', async (c) => {
    const target = c.req.header('x-amz-target') ?? '';
    const operation = operations[target.replace(/^AWSStepFunctions\./, '')];
    const json = (body: unknown, code: 200 | 400) =>
      c.body(JSON.stringify(body), code, { 'Content-Type': 'application/x-amz-json-1.0' });
    if (!operation)
      return json({ __type: 'UnknownOperationException', message: `Not served locally: ${target}` }, 400);
    try {
      return json(operation((await c.req.json()) as Record<string, unknown>), 200);
    } catch (error) {
      if (error instanceof SfnError) return json({ __type: error.type, message: error.message }, 400);
      throw error;
    }
  });
  return app;
}

/** Serve {@link sfnApi} on 127.0.0.1:`port` (0: a free one), with `local` routes under `/_local` if given. */
export function serveSfnApi(
  queue: ExecutionQueue,
  port: number,
  local?: Hono,
): Promise<{ server: Server; endpoint: string }> {
  const app = local ? new Hono().route('/_local', local).route('/', sfnApi(queue)) : sfnApi(queue);
  return new Promise((done, fail) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) =>
      done({ server: server as Server, endpoint: `http://127.0.0.1:${info.port}` }),
    ) as Server;
    server.once('error', fail);
  });
}
