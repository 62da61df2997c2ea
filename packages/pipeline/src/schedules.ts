import * as z from 'zod';

/**
 * Recurring checks. EventBridge expressions are the source of truth (CDK deploys them);
 * the local platform converts them once to croner patterns and fires the same payload.
 */
export interface CollisionSchedule {
  /** Construct id / local job name. */
  readonly name: string;
  /** EventBridge schedule expression, always UTC: `cron(min hour dom month dow year)`. */
  readonly expression: string;
  readonly description: string;
}

/** Default schedules; a county can override the nightly expression with the CDK context key `collisionSchedule`. */
export const DEFAULT_SCHEDULES: readonly CollisionSchedule[] = [
  {
    name: 'NightlyCollision',
    // 02:00 China Standard Time = 18:00 UTC.
    expression: 'cron(0 18 * * ? *)',
    description: 'Re-run the full collision over all active dataset versions every night',
  },
];

/**
 * What a scheduled job may touch. CDK turns each into exactly one grant on the job's role,
 * next to the environment variable naming the resource.
 */
export type JobAccess =
  | 'table:readWrite'
  | 'uploadBucket:read'
  | 'dataBucket:read'
  | 'dataBucket:readWrite'
  | 'stateMachine:start';

/**
 * A recurring job that is not a collision: one Lambda per job (entry under `functions/jobs/`,
 * exporting `handler`), invoked with the EventBridge `Scheduled Event` of its rule. Locally
 * the platform imports the same entry and fires it on the same expression with croner.
 */
export interface ScheduledJob {
  /** Construct id / rule name suffix / local job name, PascalCase. */
  readonly name: string;
  /** EventBridge schedule expression, always UTC. */
  readonly expression: string;
  /** Lambda entry relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  /** What the job reads and writes; nothing else is granted. */
  readonly access: readonly JobAccess[];
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 60 */
  readonly timeoutSeconds?: number;
}

/** The input every scheduled job receives: EventBridge's `Scheduled Event` (extra fields ignored). */
export const ScheduledJobEvent = z.object({
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  time: z.string().min(1),
  resources: z.array(z.string()),
});
export type ScheduledJobEvent = z.infer<typeof ScheduledJobEvent>;

/** The platform's scheduled jobs. Add a job here and both CDK and `npm start` run it. */
export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    name: 'DataLateness',
    // 08:30 China Standard Time, when the county's offices open.
    expression: 'cron(30 0 * * ? *)',
    entry: 'functions/jobs/data-lateness.ts',
    description: 'Flag departments whose datasets are overdue against their cadence (progress board)',
    access: ['table:readWrite'],
  },
  {
    name: 'CollisionStarter',
    // EventBridge's finest rate; the quiet period (COLLISION_QUIET_SECONDS) decides within it.
    expression: 'rate(1 minute)',
    entry: 'functions/jobs/collision-starter.ts',
    description:
      'Start one collision for a burst of uploads once they have been quiet for COLLISION_QUIET_SECONDS',
    access: ['table:readWrite', 'stateMachine:start'],
    memorySize: 256,
  },
  {
    name: 'OverdueLeads',
    // 08:00 China Standard Time: deadlines are CST days, so yesterday's are missed by then.
    expression: 'cron(0 0 * * ? *)',
    entry: 'functions/jobs/overdue-leads.ts',
    description: 'Flag assigned leads past their deadline as overdue (history entry; idempotent)',
    access: ['table:readWrite'],
  },
];

const DOW_NAMES: Record<string, string> = {
  SUN: '1',
  MON: '2',
  TUE: '3',
  WED: '4',
  THU: '5',
  FRI: '6',
  SAT: '7',
};

/**
 * Convert an EventBridge `cron(...)` expression to a croner pattern (5 fields, UTC).
 * EventBridge numbers days of week 1–7 from Sunday and uses `?` and a year field; croner
 * numbers them 0–6 from Sunday and has neither. `L`/`W`/`#` are passed through (croner knows them).
 */
export function toCronerPattern(expression: string): string {
  const match = /^cron\((.+)\)$/.exec(expression.trim());
  if (!match?.[1]) throw new Error(`Not an EventBridge cron expression: ${expression}`);
  const fields = match[1].trim().split(/\s+/);
  if (fields.length !== 6)
    throw new Error(`EventBridge cron needs 6 fields, got ${fields.length}: ${expression}`);
  const [minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if (year !== '*') throw new Error(`Year-restricted schedules are not supported locally: ${expression}`);
  const convertDow = (value: string): string =>
    value.replace(/[A-Z]{3}|\d+/g, (token) => {
      const n = Number(DOW_NAMES[token] ?? token);
      if (!Number.isInteger(n) || n < 1 || n > 7)
        throw new Error(`Bad day of week '${token}' in ${expression}`);
      return String(n - 1);
    });
  return [minute, hour, dom === '?' ? '*' : dom, month, dow === '?' ? '*' : convertDow(dow)].join(' ');
}

/** Convert an EventBridge `rate(n unit)` or `cron(...)` expression to a croner pattern. */
export function scheduleToCroner(expression: string): string {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] ?? '';
    if (unit.startsWith('minute')) return `*/${n} * * * *`;
    if (unit.startsWith('hour')) return `0 */${n} * * *`;
    return `0 0 */${n} * *`;
  }
  return toCronerPattern(expression);
}
