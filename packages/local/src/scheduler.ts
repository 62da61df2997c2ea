import { type ScheduledJob, scheduleToCroner } from '@jiandu/pipeline/schedules';
import { Cron } from 'croner';
import { scheduledEvent } from './events.js';
import type { FunctionHost } from './functions-host.js';

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

/** A job's Lambda timeout when it sets none (`ScheduledJob.timeoutSeconds`' default). */
const DEFAULT_JOB_TIMEOUT_SECONDS = 60;

/** Runs the scheduled jobs' real Lambda entries (in the platform's function host). */
export interface JobRunner {
  /** Invoke a job now with the Scheduled Event its rule would send; resolves with the handler's result. */
  run(name: string, time?: Date): Promise<unknown>;
  /** Whether the job is being run right now (a tick is skipped then, as a retry would be redundant). */
  running(name?: string): boolean;
}

/**
 * A {@link JobRunner} over `jobs`: each job's `entry` (repository-relative, as CDK bundles it)
 * is invoked in the platform's function host with `scheduledEvent('jiandu-{name}')`.
 */
export function hostJobRunner(host: FunctionHost, jobs: readonly ScheduledJob[]): JobRunner {
  const active = new Map<string, number>();
  return {
    async run(name, time = new Date()) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`No scheduled job '${name}' (known: ${jobs.map((j) => j.name).join(', ')})`);
      active.set(name, (active.get(name) ?? 0) + 1);
      try {
        return await host.invoke(
          job.entry,
          `jiandu-job-${name}`,
          scheduledEvent(`jiandu-${name}`, time),
          job.timeoutSeconds ?? DEFAULT_JOB_TIMEOUT_SECONDS,
        );
      } finally {
        active.set(name, (active.get(name) ?? 1) - 1);
      }
    },
    running: (name) =>
      name === undefined ? [...active.values()].some((n) => n > 0) : (active.get(name) ?? 0) > 0,
  };
}
