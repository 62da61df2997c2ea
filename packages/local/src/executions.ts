import { randomUUID } from 'node:crypto';
import { describeEvent, LOCAL_ACCOUNT, LOCAL_REGION, type WorkflowEvent } from './events.js';
import type { LocalWorkflow, ResumePoint, RunningExecution } from './workflow.js';

/** Where an execution is in its life. `ABORTED`: the platform stopped before or while it ran. */
export type ExecutionStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

/** What the platform remembers about one workflow execution. */
export interface ExecutionRecord {
  /** Execution name (a UUID, as EventBridge targets name them). */
  readonly id: string;
  readonly executionArn: string;
  /** `Object Created s3://…` or `Scheduled Event <rule>`. */
  readonly summary: string;
  /** The event the execution started with, unchanged. */
  readonly input: WorkflowEvent;
  readonly status: ExecutionStatus;
  readonly output?: unknown;
  readonly error?: { readonly error: string; readonly cause: string };
  readonly queuedAt: string;
  readonly startedAt?: string;
  readonly stoppedAt?: string;
  /** How often it was redriven (Step Functions' `redriveCount`). */
  readonly redriveCount: number;
  /** When it was last redriven. */
  readonly redriveDate?: string;
  /** The `clientToken` of the last redrive (a retried request with it redrives once). */
  readonly redriveToken?: string;
  /** A failed execution's state where a redrive starts again; absent when it cannot be redriven. */
  readonly failedAt?: ResumePoint;
}

type MutableRecord = { -readonly [K in keyof ExecutionRecord]: ExecutionRecord[K] };

/** Why an execution can't be redriven, or undefined when it can (Step Functions' `redriveStatus`). */
export function notRedrivable(record: ExecutionRecord): string | undefined {
  if (record.status !== 'FAILED')
    return `Execution is ${record.status}; only failed executions can be redriven`;
  if (!record.failedAt) return 'Execution failed before any state ran';
  // A Fail state is the workflow's own verdict (a rejected file): running it again changes nothing.
  if (record.failedAt.type === 'Fail') return `Execution ended in the Fail state ${record.failedAt.state}`;
  return undefined;
}

/** Step Functions' `Error`/`Cause` of a failed execution from what the interpreter threw. */
function failure(error: unknown): { error: string; cause: string } {
  // aws-local-stepfunctions wraps the state's error as `cause` of an ExecutionError.
  const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (inner instanceof Error) return { error: inner.name || 'Error', cause: inner.message };
  return { error: 'Error', cause: String(inner) };
}

function shortOutput(output: unknown): string {
  const text = JSON.stringify(output ?? null);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/**
 * Runs workflow executions in arrival order, by default one at a time. In AWS, executions for
 * different uploads overlap; locally one at a time keeps runs deterministic and easy to follow
 * in the log. `concurrency` > 1 lets that many overlap, as in AWS (each still starts in
 * arrival order): a county's per-file Normalize executions then use every function worker.
 */
export class ExecutionQueue {
  readonly #workflow: LocalWorkflow;
  readonly #log: (line: string) => void;
  readonly #concurrency: number;
  readonly #records: MutableRecord[] = [];
  readonly #pending: MutableRecord[] = [];
  readonly #running = new Set<{ record: MutableRecord; abort(): void; done: Promise<void> }>();
  #stopped = false;

  /** `concurrency`: a whole number ≥ 1 (the platform validates its setting). */
  constructor(workflow: LocalWorkflow, log: (line: string) => void, concurrency = 1) {
    this.#workflow = workflow;
    this.#log = log;
    this.#concurrency = concurrency;
  }

  /** Queue an execution with `input`; returns its record (a snapshot). Refused once stopped. */
  enqueue(input: WorkflowEvent, name?: string): ExecutionRecord {
    if (this.#stopped) throw new Error('The platform is stopping; no new executions');
    const id = name ?? randomUUID();
    const record: MutableRecord = {
      id,
      executionArn: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:jiandu-collision:${id}`,
      summary: describeEvent(input),
      input,
      status: 'QUEUED',
      queuedAt: new Date().toISOString(),
      redriveCount: 0,
    };
    this.#records.push(record);
    this.#pending.push(record);
    this.#next();
    return { ...record };
  }

  /**
   * Redrive a failed execution, as Step Functions' `RedriveExecution` does: it runs again from
   * the state that failed, with that state's input (the states before it are not repeated).
   * Throws when it can't be redriven ({@link notRedrivable}).
   */
  redrive(id: string, clientToken?: string): ExecutionRecord {
    if (this.#stopped) throw new Error('The platform is stopping; no new executions');
    const record = this.#records.find((r) => r.id === id);
    if (!record) throw new Error(`Execution Does Not Exist: '${id}'`);
    // The SDK retries a request it got no answer to with the same token: one redrive, not two.
    if (clientToken && record.redriveToken === clientToken) return { ...record };
    const reason = notRedrivable(record);
    if (reason) throw new Error(reason);
    record.status = 'QUEUED';
    record.redriveCount += 1;
    record.redriveDate = new Date().toISOString();
    if (clientToken) record.redriveToken = clientToken;
    this.#pending.push(record);
    this.#next();
    return { ...record };
  }

  /** Snapshots of every execution so far, oldest first. */
  records(): ExecutionRecord[] {
    return this.#records.map((record) => ({ ...record }));
  }

  /** Whether an execution is queued or running. */
  busy(): boolean {
    return this.#running.size > 0 || this.#pending.length > 0;
  }

  /** Whether an execution for `summary` is waiting to start (used to not pile up schedule ticks). */
  hasQueued(summary: string): boolean {
    return this.#pending.some((record) => record.summary === summary);
  }

  /** Refuse new executions, abort queued and running ones, and wait for those to settle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const now = new Date().toISOString();
    for (const record of this.#pending.splice(0)) {
      record.status = 'ABORTED';
      record.stoppedAt = now;
    }
    const running = [...this.#running];
    for (const execution of running) execution.abort();
    await Promise.all(running.map((execution) => execution.done));
  }

  #next(): void {
    while (!this.#stopped && this.#running.size < this.#concurrency && this.#pending.length > 0) {
      this.#start(this.#pending.shift() as MutableRecord);
    }
  }

  #start(record: MutableRecord): void {
    record.status = 'RUNNING';
    record.startedAt = new Date().toISOString();
    const started = Date.now();
    const resume = record.failedAt;
    record.failedAt = undefined;
    record.error = undefined;
    record.stoppedAt = undefined;
    let execution: RunningExecution;
    try {
      execution = this.#workflow.run(record.input, resume);
    } catch (error) {
      // The interpreter refused to start: the execution fails, and stays redrivable from where it was.
      execution = { result: Promise.reject(error), abort: () => undefined, failedAt: () => resume };
    }
    let aborted = false;
    const done = execution.result.then(
      (output) => {
        if (aborted) {
          record.status = 'ABORTED';
        } else {
          record.status = 'SUCCEEDED';
          record.output = output;
        }
      },
      (error: unknown) => {
        record.status = aborted ? 'ABORTED' : 'FAILED';
        record.error = failure(error);
        record.failedAt = execution.failedAt();
      },
    );
    const settled = done.then(() => {
      record.stoppedAt = new Date().toISOString();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const detail =
        record.status === 'SUCCEEDED'
          ? shortOutput(record.output)
          : record.error
            ? `${record.error.error}: ${record.error.cause}`
            : '';
      this.#log(`[sfn] ${record.id} ${record.status} in ${seconds}s: ${record.summary} ${detail}`.trimEnd());
      this.#running.delete(running);
      this.#next();
    });
    const running = {
      record,
      abort: () => {
        aborted = true;
        execution.abort();
      },
      done: settled,
    };
    this.#running.add(running);
  }
}
