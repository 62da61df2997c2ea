import { ValidationError } from '../errors.js';
import type { Lead, LeadStatus } from '../model.js';
import { chinaDay, startOfChinaDay } from '../time.js';

/**
 * Filtering, sorting and keyset pagination of the lead list. Pure: storage adapters use
 * {@link matchesLeadFilter} to return exactly the matching leads (pushing down what their
 * indexes can), and the API sorts and pages them with {@link pageLeads}.
 */

/** Lead list filters. Amounts in fen; dates `YYYY-MM-DD` (China Standard Time days, inclusive). */
export interface LeadFilter {
  readonly rule?: string;
  /** Any of these statuses; absent = every status (see {@link resolveDefaultView}). */
  readonly statuses?: readonly LeadStatus[];
  readonly township?: string;
  readonly village?: string;
  /** Current assignee (a staff account or a township name). */
  readonly assignee?: string;
  /** Subject of the inspector who made the current assignment. */
  readonly assignedBy?: string;
  readonly minScore?: number;
  readonly maxScore?: number;
  readonly minAmount?: number;
  readonly maxAmount?: number;
  readonly createdFrom?: string;
  readonly createdTo?: string;
  /** Only leads flagged overdue (true) or not flagged (false). */
  readonly overdue?: boolean;
  /** Only leads whose subject has this normalized ID number (personal lookup; audited). */
  readonly idNumber?: string;
}

/** Sort fields of the lead list. */
export const LEAD_SORTS = ['score', 'amount', 'date'] as const;
export type LeadSort = (typeof LEAD_SORTS)[number];

/** What the default list view hides: scores below this (configurable per deployment). */
export const DEFAULT_MIN_SCORE = 20;

/** Statuses shown when the caller names none: everything but `superseded`. */
export const DEFAULT_STATUSES: readonly LeadStatus[] = [
  'new',
  'assigned',
  'verifying',
  'confirmed',
  'dismissed',
];

/**
 * The default view: when the caller gives no statuses, superseded leads are hidden (unless
 * `includeSuperseded`); when it gives no `minScore`, scores below `minScore` are hidden.
 * Pass `minScore=0` to see every score.
 */
export function resolveDefaultView(
  filter: LeadFilter,
  options: { readonly minScore: number; readonly includeSuperseded?: boolean },
): LeadFilter {
  return {
    ...filter,
    statuses: filter.statuses?.length
      ? filter.statuses
      : options.includeSuperseded
        ? [...DEFAULT_STATUSES, 'superseded']
        : DEFAULT_STATUSES,
    minScore: filter.minScore ?? options.minScore,
  };
}

/**
 * The UTC instants bounding `createdFrom`/`createdTo` (CST days): `from` inclusive,
 * `before` exclusive. Storage adapters use them as index key ranges.
 */
export function createdBoundsUtc(filter: Pick<LeadFilter, 'createdFrom' | 'createdTo'>): {
  from?: string;
  before?: string;
} {
  return {
    ...(filter.createdFrom ? { from: startOfChinaDay(filter.createdFrom) } : {}),
    ...(filter.createdTo ? { before: startOfChinaDay(filter.createdTo, 1) } : {}),
  };
}

/** Whether a lead passes every filter that is set. */
export function matchesLeadFilter(lead: Lead, f: LeadFilter): boolean {
  if (f.rule !== undefined && lead.rule !== f.rule) return false;
  if (f.statuses?.length && !f.statuses.includes(lead.status)) return false;
  if (f.township !== undefined && lead.township !== f.township) return false;
  if (f.village !== undefined && lead.village !== f.village) return false;
  if (f.assignee !== undefined && lead.assignee !== f.assignee) return false;
  if (f.assignedBy !== undefined && lead.assignment?.assignedBy !== f.assignedBy) return false;
  if (f.minScore !== undefined && lead.score < f.minScore) return false;
  if (f.maxScore !== undefined && lead.score > f.maxScore) return false;
  if (f.minAmount !== undefined && lead.amount < f.minAmount) return false;
  if (f.maxAmount !== undefined && lead.amount > f.maxAmount) return false;
  if (f.createdFrom !== undefined || f.createdTo !== undefined) {
    const day = chinaDay(lead.createdAt);
    if (f.createdFrom !== undefined && day < f.createdFrom) return false;
    if (f.createdTo !== undefined && day > f.createdTo) return false;
  }
  if (f.overdue !== undefined && Boolean(lead.overdue) !== f.overdue) return false;
  if (f.idNumber !== undefined && lead.idNumber !== f.idNumber) return false;
  return true;
}

/** How a page is cut: sort field, direction, size and the cursor of the previous page. */
export interface PageRequest {
  readonly sort?: LeadSort;
  readonly order?: 'asc' | 'desc';
  readonly limit?: number;
  readonly cursor?: string;
}

type SortValue = string | number;

function sortValue(lead: Lead, sort: LeadSort): SortValue {
  return sort === 'score' ? lead.score : sort === 'amount' ? lead.amount : lead.createdAt;
}

function compareKeys(a: [SortValue, string], b: [SortValue, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

interface Cursor {
  readonly s: LeadSort;
  readonly o: 'asc' | 'desc';
  readonly v: SortValue;
  readonly id: string;
  /** How many matched when the first page was read (adapters that count apart carry it along). */
  readonly t?: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** The cursor of the page after `last` (storage adapters that page by index use the same cursors). */
export function leadCursorAfter(
  last: Lead,
  sort: LeadSort = 'date',
  order: 'asc' | 'desc' = 'desc',
  total?: number,
): string {
  return encodeCursor({
    s: sort,
    o: order,
    v: sortValue(last, sort),
    id: last.leadId,
    ...(total !== undefined ? { t: total } : {}),
  });
}

/** The last sort value and lead id a cursor resumes after; a {@link ValidationError} when it isn't one of this sort. */
export function leadCursorPosition(
  text: string,
  sort: LeadSort = 'date',
  order: 'asc' | 'desc' = 'desc',
): { readonly value: string | number; readonly leadId: string; readonly total?: number } {
  const cursor = decodeCursor(text, sort, order);
  return {
    value: cursor.v,
    leadId: cursor.id,
    ...(Number.isInteger(cursor.t) && (cursor.t as number) >= 0 ? { total: cursor.t as number } : {}),
  };
}

function decodeCursor(text: string, sort: LeadSort, order: 'asc' | 'desc'): Cursor {
  let parsed: Partial<Cursor> | undefined;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    parsed = undefined;
  }
  const valid =
    parsed &&
    typeof parsed.id === 'string' &&
    (typeof parsed.v === 'string' || typeof parsed.v === 'number') &&
    parsed.s === sort &&
    parsed.o === order;
  if (!valid)
    throw new ValidationError('Invalid cursor: use the cursor of the previous page with the same sort', {
      field: 'cursor',
    });
  return parsed as Cursor;
}

/** Sort leads by `sort` (ties broken by lead id, so the order is total). Default: newest first. */
export function sortLeads(
  leads: readonly Lead[],
  sort: LeadSort = 'date',
  order: 'asc' | 'desc' = 'desc',
): Lead[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...leads].sort(
    (a, b) => sign * compareKeys([sortValue(a, sort), a.leadId], [sortValue(b, sort), b.leadId]),
  );
}

/**
 * Sort leads (ties broken by lead id, so the order is total) and cut one page after the
 * cursor. The cursor is a keyset (last sort value + lead id), so leads added or changed
 * between pages never make a page repeat or skip the ones already seen. Default: newest
 * first, 50 a page.
 */
export function pageLeads(leads: readonly Lead[], request: PageRequest): { items: Lead[]; cursor?: string } {
  const sort = request.sort ?? 'date';
  const order = request.order ?? 'desc';
  const limit = pageLimit(request);
  const sign = order === 'asc' ? 1 : -1;
  const keyOf = (lead: Lead): [SortValue, string] => [sortValue(lead, sort), lead.leadId];
  const sorted = sortLeads(leads, sort, order);
  let start = 0;
  if (request.cursor) {
    const after = decodeCursor(request.cursor, sort, order);
    const key: [SortValue, string] = [after.v, after.id];
    start = sorted.findIndex((lead) => sign * compareKeys(keyOf(lead), key) > 0);
    if (start === -1) start = sorted.length;
  }
  const items = sorted.slice(start, start + limit);
  const last = items.at(-1);
  if (!last || start + limit >= sorted.length) return { items };
  return { items, cursor: leadCursorAfter(last, sort, order) };
}

/** A page of the lead list and, when known without counting every lead, how many match in all. */
export interface LeadPage {
  readonly items: Lead[];
  readonly cursor?: string;
  /** Absent when the store cannot tell without counting (the cursor then says whether more follow). */
  readonly total?: number;
}

/** The page size a request asks for, within 1–500 (default 50). */
export function pageLimit(request: PageRequest): number {
  return Math.min(Math.max(request.limit ?? 50, 1), 500);
}

/**
 * Whether two leads are about the same subject: the same ID number when the lead has one;
 * otherwise (name + village matches, village-level rules) the same name, township and
 * village, or the same township and village when the subject is a village.
 */
export function sameSubject(a: Lead, b: Lead): boolean {
  if (a.leadId === b.leadId) return false;
  if (a.idNumber) return b.idNumber === a.idNumber;
  if (b.idNumber) return false;
  return a.township === b.township && a.village === b.village && a.name === b.name;
}

/** The filter that finds the candidates for {@link sameSubject} in storage. */
export function subjectFilter(lead: Lead): LeadFilter {
  if (lead.idNumber) return { idNumber: lead.idNumber };
  return {
    ...(lead.township !== undefined ? { township: lead.township } : {}),
    ...(lead.village !== undefined ? { village: lead.village } : {}),
  };
}
