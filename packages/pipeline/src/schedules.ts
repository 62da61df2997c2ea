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
