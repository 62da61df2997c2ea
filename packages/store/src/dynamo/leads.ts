import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  createdBoundsUtc,
  DEFAULT_STATUSES,
  type LeadFilter,
  type LeadPage,
  leadCursorAfter,
  leadCursorPosition,
  matchesLeadFilter,
  type PageRequest,
  pageLeads,
  pageLimit,
} from '@jiandu/domain/leads/query';
import type { Lead, LeadStatus } from '@jiandu/domain/model';
import {
  type LeadRepository,
  type LeadStatsScope,
  type LeadWrite,
  RevisionConflictError,
} from '@jiandu/domain/ports';
import { RULES } from '@jiandu/domain/rules/registry';
import {
  addTally,
  countInScoreRange,
  emptyTally,
  type GroupTally,
  type LeadStats,
  type LeadTally,
  statisticsOfTallies,
  TALLY_FIELDS,
  tallyOf,
} from '@jiandu/domain/stats';
import { chinaDay } from '@jiandu/domain/time';
import { keys } from '../keys.js';
import {
  BATCH_RETRY,
  batchGet,
  batchWrite,
  TRANSACT_LIMIT,
  type TransactAction,
  transactWrite,
} from './batch.js';
import { type Filter, type Item, partitionQuery, revisionCondition, strip, withFilter } from './items.js';
import { TableRepository } from './repository.js';

/** Lead writes per transaction at most (the rest of the 100 actions are tally updates). */
const LEADS_PER_TRANSACTION = 90;
/** Bytes per transaction at most (DynamoDB's limit is 4 MB; leave room for the tally updates). */
const BYTES_PER_TRANSACTION = 3_500_000;
/**
 * Transactions in flight at once, each on its own tallies so they don't contend. (2 and 4 were
 * tried: on DynamoDB Local, 25,000 new leads took 31.8 s with 8, 37.4 s with 2, 39.4 s with 4.)
 */
const LANES = 8;
/**
 * What the tally items hold; a store counted by an older version is counted again (version 2
 * added the leads per status and score band).
 */
const TALLY_VERSION = 2;
/** Key ranges read at once by {@link DynamoLeadRepository.scan} (DynamoDB Local on 2 cores: 2 beat 1 and 4). */
const SCAN_LANES = 2;
/** Every rule a lead can be of (`Lead.rule`): the rules' partitions hold every lead. */
const RULE_CODES: readonly string[] = RULES.map((r) => r.code);
/** Every status: what a filter without statuses counts. */
const EVERY_STATUS: readonly LeadStatus[] = [...DEFAULT_STATUSES, 'superseded'];

/** The tally item a lead counts in: its China day created, rule and township. */
function tallyKeyOf(lead: Lead) {
  return { day: chinaDay(lead.createdAt), rule: lead.rule, township: lead.township ?? null };
}
type TallyKey = ReturnType<typeof tallyKeyOf>;
const tallyId = (k: TallyKey) => keys.leadTally(k).SK;

/**
 * The tally updates of a set of lead writes, merged per tally item (a transaction may touch an
 * item once): `ADD` of `tally(next) − tally(previous)`, zero fields left out.
 */
function tallyUpdates(tableName: string, writes: readonly LeadWrite[]): TransactAction[] {
  const sums = new Map<string, { key: TallyKey; delta: LeadTally }>();
  const add = (lead: Lead | undefined, sign: 1 | -1) => {
    if (!lead) return;
    const key = tallyKeyOf(lead);
    const sum = sums.get(tallyId(key)) ?? { key, delta: emptyTally() };
    addTally(sum.delta, tallyOf(lead), sign);
    sums.set(tallyId(key), sum);
  };
  for (const w of writes) {
    add(w.previous, -1);
    add(w.next, 1);
  }
  const actions: TransactAction[] = [];
  for (const { key, delta } of sums.values()) {
    const fields = TALLY_FIELDS.filter((f) => delta[f] !== 0);
    if (fields.length === 0) continue;
    const names: Record<string, string> = { '#day': 'day', '#rule': 'rule' };
    const values: Record<string, unknown> = { ':day': key.day, ':rule': key.rule };
    const set = ['#day = :day', '#rule = :rule'];
    if (key.township !== null) {
      names['#township'] = 'township';
      values[':township'] = key.township;
      set.push('#township = :township');
    }
    fields.forEach((f, i) => {
      names[`#f${i}`] = f;
      values[`:f${i}`] = delta[f];
    });
    actions.push({
      Update: {
        TableName: tableName,
        Key: keys.leadTally(key),
        UpdateExpression: `SET ${set.join(', ')} ADD ${fields.map((_, i) => `#f${i} :f${i}`).join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    });
  }
  return actions;
}

/**
 * Lead fields stored as one JSON string each: lists of maps (a lead's source rows with their
 * values, its score parts, its subject's parts, reasons, history) cost DynamoDB marshalling per
 * nested value and are copied into both indexes, and no query filters on them. As strings
 * they cost no marshalling (DynamoDB Local: 4.6× fewer seconds per lead written with the
 * evidence alone as a string, measured on a county's 2,600 leads).
 */
const PACKED_FIELDS = ['evidence', 'scoreBreakdown', 'subjectParts', 'reasons', 'history'] as const;

/**
 * A lead as an item: its keys, its index keys and its fields, the {@link PACKED_FIELDS} as JSON
 * strings. One item per lead, in both indexes, on purpose: splitting it into an unindexed whole
 * item and a small index entry (so that a re-cite of a replaced roster rewrites no index copy)
 * was measured slower on DynamoDB Local, whose cost is per transaction action rather than per
 * index copy or byte (README "Lead storage at county scale"; `bench/dynamodb-write-cost.ts`).
 */
function leadItem(lead: Lead): Item {
  const item: Item = { ...keys.lead(lead.leadId), ...keys.leadIndexes(lead), ...lead };
  for (const field of PACKED_FIELDS) if (lead[field] !== undefined) item[field] = JSON.stringify(lead[field]);
  return item;
}

/**
 * The lead of a stored item, its key attributes taken off. A packed field an older version
 * stored as a list (every field but the evidence, once the evidence too) is read as it is.
 */
function leadOf(item: Item): Lead {
  const lead = strip<Record<string, unknown>>(item);
  for (const field of PACKED_FIELDS) {
    const value = lead[field];
    if (typeof value === 'string') lead[field] = JSON.parse(value);
  }
  return lead as unknown as Lead;
}

/**
 * About the bytes of an item as DynamoDB counts them (names and values; a little more for
 * numbers, lists and maps), without serializing its packed strings again: it only keeps a
 * transaction under DynamoDB's 4 MB.
 */
function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += name.length;
    if (typeof value === 'string') bytes += Buffer.byteLength(value);
    else if (typeof value === 'number' || typeof value === 'boolean') bytes += 21;
    else bytes += Buffer.byteLength(JSON.stringify(value) ?? '');
  }
  return bytes;
}

/** The tally items a write moves: the next lead's and, when it differs, the previous one's. */
function tallyIdsOf(w: LeadWrite): string[] {
  const ids = [tallyId(tallyKeyOf(w.next))];
  if (w.previous && tallyId(tallyKeyOf(w.previous)) !== ids[0]) ids.push(tallyId(tallyKeyOf(w.previous)));
  return ids;
}

/** A lead write with its item, built once (its size decides the transaction it goes in). */
interface ItemWrite extends LeadWrite {
  readonly item: Item;
  readonly bytes: number;
}

/** Cut writes into transactions within DynamoDB's limits (leads + tally items, and bytes). */
function chunksOf(writes: readonly ItemWrite[]): ItemWrite[][] {
  const chunks: ItemWrite[][] = [];
  let chunk: ItemWrite[] = [];
  let tallies = new Set<string>();
  let bytes = 0;
  for (const w of writes) {
    const ids = tallyIdsOf(w);
    const added = ids.filter((id) => !tallies.has(id)).length;
    const full =
      chunk.length >= LEADS_PER_TRANSACTION ||
      chunk.length + 1 + tallies.size + added > TRANSACT_LIMIT ||
      bytes + w.bytes > BYTES_PER_TRANSACTION;
    if (chunk.length > 0 && full) {
      chunks.push(chunk);
      chunk = [];
      tallies = new Set();
      bytes = 0;
    }
    chunk.push(w);
    for (const id of ids) tallies.add(id);
    bytes += w.bytes;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** Leads, with optimistic locking on `revision`. */
export class DynamoLeadRepository extends TableRepository implements LeadRepository {
  async get(leadId: string): Promise<Lead | undefined> {
    const item = await this.getItem<Item>(keys.lead(leadId));
    return item && leadOf(item);
  }

  async getMany(leadIds: readonly string[]): Promise<Map<string, Lead>> {
    // Consistent: a rescore reads again the leads whose revision condition failed.
    const items = await batchGet(
      this.doc,
      this.tableName,
      [...new Set(leadIds)].map((id) => keys.lead(id)),
      BATCH_RETRY,
      { consistent: true },
    );
    return new Map(items.map(leadOf).map((lead) => [lead.leadId, lead]));
  }

  /** Read the stored lead (its tally is moved by the write), then write it with the same condition as a batch. */
  async put(lead: Lead, expectedRevision: number): Promise<void> {
    const current = await this.get(lead.leadId);
    if ((current?.revision ?? 0) !== expectedRevision) throw new RevisionConflictError(lead.leadId);
    if ((await this.putMany([{ next: lead, previous: current }])).length > 0)
      throw new RevisionConflictError(lead.leadId);
  }

  /**
   * Conditional puts in transactions of up to 90 leads plus the merged updates of their tally
   * items, so a lead and the sums it counts in never disagree. Writes are grouped by tally
   * item and the groups spread over a few lanes that run side by side, so concurrent
   * transactions rarely hold the same tally item (when they do, `transactWrite` backs off).
   * A lead whose condition fails is taken out and the rest of its transaction sent again.
   */
  async putMany(writes: readonly LeadWrite[]): Promise<string[]> {
    const groups = new Map<string, ItemWrite[]>();
    for (const w of writes) {
      const id = tallyId(tallyKeyOf(w.next));
      const item = leadItem(w.next);
      const group = groups.get(id) ?? [];
      group.push({ ...w, item, bytes: itemBytes(item) });
      groups.set(id, group);
    }
    // Biggest groups first, each to the least loaded lane; a lane's transactions may span its groups.
    const lanes: ItemWrite[][] = Array.from({ length: LANES }, () => []);
    for (const group of [...groups.values()].sort((a, b) => b.length - a.length)) {
      const lane = lanes.reduce((least, l) => (l.length < least.length ? l : least));
      lane.push(...group);
    }
    const conflicts: string[] = [];
    await Promise.all(
      lanes.map(async (lane) => {
        for (const chunk of chunksOf(lane)) conflicts.push(...(await this.writeChunk(chunk)));
      }),
    );
    return conflicts;
  }

  /** One transaction of lead puts and their tally updates; returns the ids whose condition failed. */
  private async writeChunk(chunk: readonly ItemWrite[]): Promise<string[]> {
    const conflicts: string[] = [];
    let pending = chunk;
    while (pending.length > 0) {
      const puts: TransactAction[] = pending.map((w) => ({
        Put: {
          TableName: this.tableName,
          Item: w.item,
          ...revisionCondition(w.previous?.revision ?? 0),
        },
      }));
      const actions = [...puts, ...tallyUpdates(this.tableName, pending)];
      if (actions.length > TRANSACT_LIMIT)
        throw new Error(`putMany: ${actions.length} actions in one transaction`);
      const failed = new Set(await transactWrite(this.doc, actions));
      if (failed.size === 0) break;
      for (const i of failed) {
        const w = pending[i];
        if (!w) throw new Error(`putMany: a tally update failed a condition it does not have (${i})`);
        conflicts.push(w.next.leadId);
      }
      pending = pending.filter((_, i) => !failed.has(i));
    }
    return conflicts;
  }

  /** The statistics of a scope from its tally items (a day range is a key range; rule and township filter). */
  async statistics(scope: LeadStatsScope): Promise<LeadStats> {
    return statisticsOfTallies(await this.tallies(scope));
  }

  /** The tally items of a scope. */
  private async tallies(scope: LeadStatsScope): Promise<GroupTally[]> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const filters: string[] = [];
    if (scope.rule !== undefined) {
      names['#rule'] = 'rule';
      values[':rule'] = scope.rule;
      filters.push('#rule = :rule');
    }
    if (scope.township !== undefined) {
      names['#township'] = 'township';
      values[':township'] = scope.township;
      filters.push('#township = :township');
    }
    const items = await this.queryAll<Item>(
      keys.leadTallies(scope.createdFrom, scope.createdTo),
      filters.length
        ? {
            FilterExpression: filters.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }
        : undefined,
    );
    return items.map((item) => {
      const tally = emptyTally();
      for (const f of TALLY_FIELDS) tally[f] = Number(item[f] ?? 0);
      return { rule: String(item.rule), township: (item.township as string | undefined) ?? null, tally };
    });
  }

  /** Whether the tally items hold every lead, as this version counts them (once true, it stays). */
  private counted = false;
  private async tallied(): Promise<boolean> {
    this.counted ||= (await this.getItem<Item>(keys.leadTallyCounted()))?.version === TALLY_VERSION;
    return this.counted;
  }

  /**
   * Count every lead into its tally item once, on a table whose leads were written before the
   * sums were kept, or kept by an older version (the marker item says what was done; a recount
   * puts the same figures).
   */
  async ensureStatistics(): Promise<void> {
    if (await this.tallied()) return;
    const sums = new Map<string, { key: TallyKey; tally: LeadTally }>();
    for (const lead of (await this.queryAll<Item>(keys.allLeads())).map(leadOf)) {
      const key = tallyKeyOf(lead);
      const sum = sums.get(tallyId(key)) ?? { key, tally: emptyTally() };
      addTally(sum.tally, tallyOf(lead));
      sums.set(tallyId(key), sum);
    }
    await batchWrite(
      this.doc,
      this.tableName,
      [...sums.values()].map(({ key, tally }) => ({
        put: {
          ...keys.leadTally(key),
          day: key.day,
          rule: key.rule,
          ...(key.township !== null ? { township: key.township } : {}),
          ...tally,
        },
      })),
    );
    await this.putItem({
      ...keys.leadTallyCounted(),
      version: TALLY_VERSION,
      countedAt: new Date().toISOString(),
    });
    this.counted = true;
  }

  async move(previous: Lead, next: Lead): Promise<void> {
    const actions: TransactAction[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: leadItem(next),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Delete: {
          TableName: this.tableName,
          Key: keys.lead(previous.leadId),
          ...revisionCondition(previous.revision),
        },
      },
      // The lead leaves its old tally and joins its new one (usually the same item: no update).
      ...tallyUpdates(this.tableName, [{ next, previous }]),
    ];
    if ((await transactWrite(this.doc, actions)).length > 0) throw new RevisionConflictError(previous.leadId);
  }

  /** The rule's GSI2 partition, read in key ranges ({@link readRanges}). */
  async listOfRule(rule: string): Promise<Lead[]> {
    const leads = await this.readRanges(keys.leadsOfRuleSegments(rule));
    return leads.sort((a, b) => (a.leadId < b.leadId ? -1 : a.leadId > b.leadId ? 1 : 0));
  }

  /**
   * Read the rule's GSI2 partition (every rule's, without a rule filter) in key ranges a few at
   * a time; push the filters and the created-date range down as a FilterExpression (less data
   * on the wire); then apply the domain's own filter so the result is exact whatever was pushed.
   */
  async scan(filter: LeadFilter): Promise<Lead[]> {
    const ranges = (filter.rule ? [filter.rule] : RULE_CODES).flatMap((rule) =>
      keys.leadsOfRuleSegments(rule),
    );
    return this.readRanges(ranges, filter);
  }

  /**
   * The leads of some GSI2 key ranges ({@link keys.leadsOfRuleSegments}: one long range costs
   * DynamoDB Local time quadratic in its length — 25,000 leads: GSI1's `LEADS` partition in one
   * range 26 s, in ranges 3.8 s), a few ranges at a time, each lead once; with a filter, only
   * the leads that match it.
   */
  private async readRanges(
    ranges: readonly ReturnType<typeof keys.leadsOfRuleSegments>[number][],
    filter?: LeadFilter,
  ): Promise<Lead[]> {
    const pushed = filter && pushedFilter(filter, true);
    const leads = new Map<string, Lead>();
    let next = 0;
    const lane = async () => {
      for (let range = ranges[next++]; range; range = ranges[next++])
        for (const item of await this.queryAll<Item>(range, pushed)) {
          const lead = leadOf(item);
          // A lead whose id is a range's bound is read by both ranges: kept once.
          if (!filter || matchesLeadFilter(lead, filter)) leads.set(lead.leadId, lead);
        }
    };
    await Promise.all(Array.from({ length: SCAN_LANES }, lane));
    return [...leads.values()];
  }

  /**
   * Newest or oldest first: GSI1's `LEADS` partition read in key order from the cursor, the
   * filters pushed down, until the page is full, so a page costs about a page of reads (more
   * when the filters are very selective), whatever the county. No lead is counted: the first
   * page's total comes from the kept sums when the filter is theirs ({@link totalOf}), or is
   * exact because the page holds every match; otherwise it is left out (the cursor says more
   * follow). Later pages carry the total in their cursor.
   * Sorting by score or amount reads every matching lead and sorts them (no index has those keys).
   */
  async page(filter: LeadFilter, request: PageRequest): Promise<LeadPage> {
    const sort = request.sort ?? 'date';
    const order = request.order ?? 'desc';
    if (sort !== 'date') {
      const leads = await this.scan(filter);
      return { ...pageLeads(leads, request), total: leads.length };
    }
    const limit = pageLimit(request);
    const bounds = createdBoundsUtc(filter);
    const query = withFilter(
      partitionQuery(this.tableName, keys.leadsCreatedRange(bounds.from, bounds.before)),
      pushedFilter(filter),
    );
    const after = request.cursor ? leadCursorPosition(request.cursor, sort, order) : undefined;
    const [{ items, more }, kept] = await Promise.all([
      this.pageFrom(query, filter, order, limit, after),
      after ? after.total : this.totalOf(filter),
    ]);
    const total = kept ?? (!after && !more ? items.length : undefined);
    const last = items.at(-1);
    return {
      items,
      ...(total !== undefined ? { total } : {}),
      ...(more && last ? { cursor: leadCursorAfter(last, sort, order, total) } : {}),
    };
  }

  /** Up to `limit` matching leads in key order after the cursor's position, and whether more follow. */
  private async pageFrom(
    query: QueryCommandInput,
    filter: LeadFilter,
    order: 'asc' | 'desc',
    limit: number,
    after: { value: string | number; leadId: string } | undefined,
  ): Promise<{ items: Lead[]; more: boolean }> {
    const items: Lead[] = [];
    let start: Item | undefined = after
      ? keys.leadListPosition(String(after.value), after.leadId)
      : undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          ...query,
          ScanIndexForward: order === 'asc',
          // Read a little more than the page: filters drop some of what is read.
          Limit: Math.max(limit * 2, 100),
          ExclusiveStartKey: start,
        }),
      );
      const read = out.Items ?? [];
      for (const [i, item] of read.entries()) {
        const lead = leadOf(item);
        if (matchesLeadFilter(lead, filter)) items.push(lead);
        // What DynamoDB returned already passed the same filters: anything left over follows.
        if (items.length === limit) return { items, more: i < read.length - 1 || !!out.LastEvaluatedKey };
      }
      start = out.LastEvaluatedKey as Item | undefined;
    } while (start);
    return { items, more: false };
  }

  /**
   * How many leads match, from the kept sums, when the filter narrows only by what they are
   * kept along — rule, township, created days, statuses, and a score range on the bands' edges
   * (the default view's floor of 20 is one) — and the sums are current; undefined otherwise.
   */
  private async totalOf(filter: LeadFilter): Promise<number | undefined> {
    const { rule, township, createdFrom, createdTo, statuses, minScore, maxScore, ...others } = filter;
    if (Object.values(others).some((v) => v !== undefined) || !(await this.tallied())) return undefined;
    const tallies = await this.tallies({
      ...(rule !== undefined ? { rule } : {}),
      ...(township !== undefined ? { township } : {}),
      ...(createdFrom !== undefined ? { createdFrom } : {}),
      ...(createdTo !== undefined ? { createdTo } : {}),
    });
    const sum = emptyTally();
    for (const { tally } of tallies) addTally(sum, tally);
    return countInScoreRange(sum, statuses?.length ? statuses : EVERY_STATUS, minScore, maxScore);
  }
}

/**
 * Every lead filter as a FilterExpression, so what DynamoDB returns (or counts) is exactly
 * what `matchesLeadFilter` keeps; the created-date range too when `created` (on GSI1 it is the
 * key range instead).
 */
function pushedFilter(filter: LeadFilter, created = false): Filter | undefined {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  const compare = (attribute: string, op: '=' | '>=' | '<=' | '<', placeholder: string, value: unknown) => {
    if (value === undefined) return;
    names[`#${attribute}`] = attribute;
    values[placeholder] = value;
    filters.push(`#${attribute} ${op} ${placeholder}`);
  };
  if (created) {
    const bounds = createdBoundsUtc(filter);
    compare('createdAt', '>=', ':createdFrom', bounds.from);
    compare('createdAt', '<', ':createdBefore', bounds.before);
  }
  compare('rule', '=', ':rule', filter.rule);
  compare('township', '=', ':township', filter.township);
  compare('village', '=', ':village', filter.village);
  compare('assignee', '=', ':assignee', filter.assignee);
  compare('idNumber', '=', ':idNumber', filter.idNumber);
  compare('score', '>=', ':minScore', filter.minScore);
  compare('score', '<=', ':maxScore', filter.maxScore);
  compare('amount', '>=', ':minAmount', filter.minAmount);
  compare('amount', '<=', ':maxAmount', filter.maxAmount);
  if (filter.statuses?.length) {
    names['#status'] = 'status';
    filter.statuses.forEach((status, i) => {
      values[`:status${i}`] = status;
    });
    filters.push(`#status IN (${filter.statuses.map((_, i) => `:status${i}`).join(', ')})`);
  }
  if (filter.assignedBy !== undefined) {
    names['#assignment'] = 'assignment';
    names['#assignedBy'] = 'assignedBy';
    values[':assignedBy'] = filter.assignedBy;
    filters.push('#assignment.#assignedBy = :assignedBy');
  }
  if (filter.overdue !== undefined) {
    names['#overdue'] = 'overdue';
    values[':overdue'] = true;
    filters.push(
      filter.overdue ? '#overdue = :overdue' : '(attribute_not_exists(#overdue) OR #overdue <> :overdue)',
    );
  }
  return filters.length
    ? {
        FilterExpression: filters.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }
    : undefined;
}
