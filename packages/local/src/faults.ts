/**
 * Fault injection for the local platform — off unless a test starts the platform with
 * `faults: true`; the running product never has it. Two places, as faults happen in AWS:
 *
 * - **Tasks** (`wrapTask`): a task state's invocation fails once, before or after the
 *   function did its work (a crash after the writes is what idempotency must survive), or
 *   hangs past the state's timeout.
 * - **Services** (`startFaultProxy`): an HTTP proxy in front of DynamoDB Local or s3rver,
 *   named as the functions' endpoint, that resets connections or answers with throttling
 *   (`ProvisionedThroughputExceededException`, S3 `SlowDown`) for matching requests. The
 *   functions' real SDK clients meet real resets and real throttling answers, with their
 *   own retries.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { TaskName } from '@jiandu/pipeline/definition';
import type { TaskHandler } from './workflow.js';

/** A task fault: the next `times` (default 1) invocations of `task` fail or hang. */
export type TaskFault =
  | {
      readonly task: TaskName;
      readonly kind: 'throw';
      /** `transient`: as a task surfaces a reset it met (`TransientError`, retried); `fatal`: any other error. */
      readonly error: 'transient' | 'fatal';
      /** Fail before the function runs, or after it did its work (default). */
      readonly when?: 'before' | 'after';
      readonly times?: number;
      /** Only invocations whose input (as JSON) matches, e.g. an upload's key. */
      readonly match?: string;
    }
  | {
      readonly task: TaskName;
      readonly kind: 'hang';
      /** How long the invocation hangs after the function did its work (longer than the state's timeout). */
      readonly ms: number;
      readonly times?: number;
      readonly match?: string;
    };

/** A service fault: the next `times` requests to `service` matching `match` are reset or throttled. */
export interface ServiceFault {
  readonly service: 'dynamodb' | 's3';
  readonly kind: 'reset' | 'throttle';
  /** Tested against `METHOD path operation` (operation: DynamoDB's `X-Amz-Target`), e.g. `BatchWriteItem|PutItem`. */
  readonly match?: string;
  readonly times: number;
}

/** What to inject; {@link FaultInjector.inject} replaces the previous plan. */
export interface FaultPlan {
  readonly tasks?: readonly TaskFault[];
  readonly services?: readonly ServiceFault[];
}

/** How many faults of each entry have been injected so far (tests check they really happened). */
export interface FaultCounts {
  readonly tasks: readonly number[];
  readonly services: readonly number[];
}

/** The platform's fault switchboard (`platform.faults` when started with `faults: true`). */
export class FaultInjector {
  #plan: FaultPlan = {};
  #tasks: number[] = [];
  #services: number[] = [];

  /** Replace the plan (and its counts). */
  inject(plan: FaultPlan): void {
    this.#plan = plan;
    this.#tasks = (plan.tasks ?? []).map(() => 0);
    this.#services = (plan.services ?? []).map(() => 0);
  }

  /** No faults from now on. */
  clear(): void {
    this.inject({});
  }

  /** How many faults each entry of the current plan injected. */
  counts(): FaultCounts {
    return { tasks: [...this.#tasks], services: [...this.#services] };
  }

  /** The entry's index when a fault of it is due now (and counts it). */
  #take<F extends { readonly times?: number }>(
    faults: readonly F[] | undefined,
    counts: number[],
    applies: (fault: F) => boolean,
  ): F | undefined {
    const index = (faults ?? []).findIndex((f, i) => (counts[i] ?? 0) < (f.times ?? 1) && applies(f));
    if (index < 0) return undefined;
    counts[index] = (counts[index] ?? 0) + 1;
    return faults?.[index];
  }

  /** `handler` with the plan's faults for `task` applied. */
  wrapTask(task: TaskName, handler: TaskHandler): TaskHandler {
    return async (input) => {
      const fault = this.#take(
        this.#plan.tasks,
        this.#tasks,
        (f) => f.task === task && (!f.match || new RegExp(f.match).test(JSON.stringify(input))),
      );
      if (!fault) return handler(input);
      if (fault.kind === 'throw' && fault.when === 'before') throw taskError(fault.error);
      await handler(input); // the function's work is done; its answer is lost
      if (fault.kind === 'throw') throw taskError(fault.error);
      // Lambda ends an invocation at its timeout: the result never reaches the workflow.
      await new Promise((r) => setTimeout(r, fault.ms));
      throw new Error(`injected hang of ${task} outlived its timeout`);
    };
  }

  /** The service fault due for a request, if any. */
  serviceFault(service: ServiceFault['service'], description: string): ServiceFault | undefined {
    return this.#take(
      this.#plan.services,
      this.#services,
      (f) => f.service === service && (!f.match || new RegExp(f.match).test(description)),
    );
  }
}

function taskError(kind: 'transient' | 'fatal'): Error {
  if (kind === 'fatal') return new Error('注入的故障：任务出错');
  // What `surfaceTransientErrors` makes of a reset the task met.
  const error = new Error('暂时性故障：read ECONNRESET（注入）');
  error.name = 'TransientError';
  return error;
}

/** The throttling answer each service gives. */
function throttled(service: ServiceFault['service']): { status: number; type: string; body: string } {
  if (service === 'dynamodb') {
    return {
      status: 400,
      type: 'application/x-amz-json-1.0',
      body: JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        message: 'The level of configured provisioned throughput for the table was exceeded (injected)',
      }),
    };
  }
  return {
    status: 503,
    type: 'application/xml',
    body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate. (injected)</Message></Error>',
  };
}

/**
 * An HTTP proxy on 127.0.0.1 forwarding everything to `target`, except requests the
 * injector's plan faults: their connection is reset, or they get a throttling answer.
 */
export function startFaultProxy(
  service: ServiceFault['service'],
  target: string,
  faults: FaultInjector,
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const operation = req.headers['x-amz-target'] ?? '';
    const fault = faults.serviceFault(service, `${req.method} ${req.url} ${String(operation)}`);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'throttle') {
      const answer = throttled(service);
      req.resume();
      res.writeHead(answer.status, { 'content-type': answer.type });
      res.end(answer.body);
      return;
    }
    const forward = httpRequest(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => req.socket.destroy());
    req.pipe(forward);
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      done({
        endpoint: `http://127.0.0.1:${port}`,
        stop: () =>
          new Promise<void>((closed) => {
            server.close(() => closed());
            server.closeAllConnections();
          }),
      });
    });
  });
}
