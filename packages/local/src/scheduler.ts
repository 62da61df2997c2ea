import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ScheduledJob, scheduleToCroner } from '@jiandu/pipeline/schedules';
import type { Context } from 'aws-lambda';
import { Cron } from 'croner';
import { LOCAL_ACCOUNT, LOCAL_REGION, scheduledEvent } from './events.js';

/** A recurring trigger: an EventBridge expression, or (for tests) a croner pattern. */
export interface ScheduleSpec {
  /** The rule name; the event's `resources` ARN ends with it. */
  readonly name: string;
  /**
   * `cron(…)` / `rate(…)` as deployed to EventBridge. Anything else is taken as a croner
   * pattern as is, e.g. `* * * * * *` (every second) to exercise the path quickly.
   */
  readonly expression: string;
}

/** The croner pattern for an expression (see {@link ScheduleSpec.expression}). */
export function cronPattern(expression: string): string {
  const trimmed = expression.trim();
  return /^(cron|rate)\(/.test(trimmed) ? scheduleToCroner(trimmed) : trimmed;
}

/** Running schedule jobs. */
export interface Schedules {
  /** Each job with its pattern and next run (UTC), for the start banner. */
  describe(): { name: string; pattern: string; nextRun: Date | null }[];
  stop(): void;
}

/** Start a croner job (UTC) per spec, calling `fire(name)` on every tick. */
export function startSchedules(specs: readonly ScheduleSpec[], fire: (name: string) => void): Schedules {
  const jobs = specs.map(
    (spec) =>
      // Validate every pattern before starting any job, so a bad one fails the start cleanly.
      [spec, cronPattern(spec.expression)] as const,
  );
  const running = jobs.map(
    ([spec, pattern]) => new Cron(pattern, { timezone: 'UTC' }, () => fire(spec.name)),
  );
  return {
    describe: () =>
      running.map((job, index) => ({
        name: jobs[index]?.[0].name ?? '',
        pattern: jobs[index]?.[1] ?? '',
        nextRun: job.nextRun(),
      })),
    stop: () => {
      for (const job of running) job.stop();
    },
  };
}

/** A Lambda context good enough for job handlers (and Powertools) that read it. */
function jobContext(name: string): Context {
  const deadline = Date.now() + 15 * 60 * 1000;
  const functionName = `jiandu-job-${name}`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Runs the scheduled jobs' real Lambda entries in this process. */
export interface JobRunner {
  /** Invoke a job now with the Scheduled Event its rule would send; resolves with the handler's result. */
  run(name: string, time?: Date): Promise<unknown>;
  /** Whether the job is being run right now (a tick is skipped then, as a retry would be redundant). */
  running(name?: string): boolean;
}

/**
 * A {@link JobRunner} over `jobs`: each job's `entry` module (repository-relative, as CDK
 * bundles it) is imported on first use — after the platform has set the handlers'
 * environment — and its `handler` called with `scheduledEvent('jiandu-{name}')`.
 */
export function moduleJobRunner(repoRoot: string, jobs: readonly ScheduledJob[]): JobRunner {
  const handlers = new Map<string, Promise<(event: unknown, context: Context) => unknown>>();
  const active = new Map<string, number>();
  const load = (job: ScheduledJob) => {
    let loaded = handlers.get(job.name);
    if (!loaded) {
      loaded = import(pathToFileURL(resolve(repoRoot, job.entry)).href).then(
        (module: { handler?: unknown }) => {
          if (typeof module.handler !== 'function') throw new Error(`${job.entry} has no 'handler' export`);
          return module.handler as (event: unknown, context: Context) => unknown;
        },
      );
      // A module that failed to load is retried next time (the file may be fixed meanwhile).
      loaded.catch(() => handlers.delete(job.name));
      handlers.set(job.name, loaded);
    }
    return loaded;
  };
  return {
    async run(name, time = new Date()) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`No scheduled job '${name}' (known: ${jobs.map((j) => j.name).join(', ')})`);
      active.set(name, (active.get(name) ?? 0) + 1);
      try {
        const handler = await load(job);
        return await handler(scheduledEvent(`jiandu-${name}`, time), jobContext(name));
      } finally {
        active.set(name, (active.get(name) ?? 1) - 1);
      }
    },
    running: (name) =>
      name === undefined ? [...active.values()].some((n) => n > 0) : (active.get(name) ?? 0) > 0,
  };
}
