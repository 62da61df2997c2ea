import { RULES } from '@jiandu/domain';
import { normalizeAmount } from '@jiandu/domain/normalize/amount';
import { isCalendarDay } from '@jiandu/domain/time';
import * as z from 'zod';

/** Request pieces the route files share. Messages are Chinese (see `validation.ts`). */

/** A real calendar day `YYYY-MM-DD` (China Standard Time where it bounds instants). */
export const Day = z.string().refine(isCalendarDay, '应为日期，如 2024-03-01');

/** A query flag: `true` or `false`. */
export const Flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** One value or several, comma-separated (`?status=new,assigned`). */
export const commaList = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(values)).min(1));

/** A lead rule code (`R01` … `R12`). */
export const RuleCode = z.enum(RULES.map((r) => r.code) as [string, ...string[]]);

/** A township or village name as a filter. */
export const PlaceName = z.string().min(1).max(64);

/** Ids of leads and reports in paths and bodies. */
export const ObjectId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '编号格式不正确');

/** A dataset version id. */
export const VersionId = z.string().regex(/^v-[0-9a-f]{8,64}$/, '不是数据版本编号（如 v-0a1b2c3d）');

/** A department code. */
export const DepartmentCode = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, '应为部门代码，如 civil-affairs');

/** Keyset paging of a list. */
export const Paging = {
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(2048).optional(),
};

/** The revision a change is based on (optimistic locking); `If-Match` may carry it instead. */
export const Revision = z.number().int().min(1);

/** A free-text note of a workflow step. */
export const Note = z.string().max(2000);

/** The body fields every workflow command has. */
export const CommandFields = { note: Note.optional(), expectedRevision: Revision.optional() };

const MAX_FEN = 1e13; // ¥100 billion: far above any county's budget.
const AMOUNT_HINT = '应为金额，如 2250、2,250.50、¥2,250 或 2250元';

/** Decimal places beyond the fen in a typed amount (`2250.505` → 1; `0.123456万` → 0). */
function beyondFen(text: string): number {
  const fraction = /\.(\d*)/.exec(text.normalize('NFKC'))?.[1]?.replace(/0+$/, '') ?? '';
  return fraction.length - (/万/.test(text) ? 6 : 2);
}

/**
 * An amount in 元 as people type it — `2250`, `2,250`, `2250.5`, `¥2,250`, `2250元`,
 * `0.5万`, or a JSON number — to integer fen, through the domain's amount normalizer.
 * Not negative, at most two decimals (分).
 */
export const Amount = z.union([z.number(), z.string()]).transform((raw, ctx) => {
  const text = typeof raw === 'number' ? String(raw) : raw;
  const fen = /e/i.test(text) ? null : normalizeAmount(text);
  const problem =
    fen === null || fen > MAX_FEN
      ? AMOUNT_HINT
      : fen < 0
        ? '不能为负数'
        : beyondFen(text) > 0
          ? '最多两位小数（分）'
          : undefined;
  if (problem === undefined) return fen as number;
  ctx.addIssue({ code: 'custom', message: problem });
  return z.NEVER;
});

/** Leads created from / to these days (China Standard Time), inclusive. */
export const CreatedRange = { createdFrom: Day.optional(), createdTo: Day.optional() };

/** Refuses a created-range that ends before it starts. */
export function checkCreatedRange(
  q: { createdFrom?: string | undefined; createdTo?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (q.createdFrom && q.createdTo && q.createdFrom > q.createdTo)
    ctx.addIssue({ code: 'custom', path: ['createdFrom'], message: '不能晚于截止日期（createdTo）' });
}
