import { scheduleToCroner } from '@jiandu/pipeline/schedules';
import { Cron } from 'croner';

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
