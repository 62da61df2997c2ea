import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, type AuditQuery, matchesAuditQuery } from '@jiandu/domain/audit';
import type { UploadRequest } from '@jiandu/domain/datasets/corrections';
import type { LatenessRecord } from '@jiandu/domain/datasets/progress';
import type { DatasetKind } from '@jiandu/domain/kinds';
import { createdBoundsUtc, type LeadFilter, matchesLeadFilter } from '@jiandu/domain/leads/query';
import type { CorrectionTask } from '@jiandu/domain/leads/workflow';
import type { Lead } from '@jiandu/domain/model';
import {
  type AuditLog,
  type CorrectionTaskRepository,
  type LatenessRepository,
  type LeadRepository,
  type Page,
  type ReportRepository,
  ReportRevisionConflictError,
  RevisionConflictError,
  type RunRepository,
  type VersionRepository,
} from '@jiandu/domain/ports';
import type { Report } from '@jiandu/domain/reports/report';
import type { CollisionRun, DatasetVersion } from '@jiandu/domain/versions';
import { KEY_ATTRIBUTES, keys } from './keys.js';

type Item = Record<string, unknown>;

function strip<T>(item: Item): T {
  const copy: Item = { ...item };
  for (const k of KEY_ATTRIBUTES) delete copy[k];
  return copy as T;
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error)?.name === 'ConditionalCheckFailedException'
  );
}

/** Opaque pagination cursor: the DynamoDB LastEvaluatedKey, base64url-encoded. */
function encodeCursor(key: Item | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

function decodeCursor(cursor: string | undefined): Item | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Item;
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/** The cursor a client sent back is not one this API produced. */
export class InvalidCursorError extends Error {
  constructor() {
    super('Invalid pagination cursor');
    this.name = 'InvalidCursorError';
  }
}

/** Query every page of an index partition. */
async function queryAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Item | undefined;
  do {
    const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...((out.Items ?? []) as Item[]));
    ExclusiveStartKey = out.LastEvaluatedKey as Item | undefined;
  } while (ExclusiveStartKey);
  return items;
}

function partitionQuery(tableName: string, index: { index: string; pk: string }): QueryCommandInput {
  return {
    TableName: tableName,
    IndexName: index.index,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': `${index.index}PK` },
    ExpressionAttributeValues: { ':pk': index.pk },
  };
}

/** Dataset versions in DynamoDB. */
export class DynamoVersionRepository implements VersionRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private item(v: DatasetVersion): Item {
    return { ...keys.version(v.versionId), ...keys.versionIndexes(v), ...v };
  }

  async get(versionId: string): Promise<DatasetVersion | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.version(versionId) }),
    );
    return out.Item ? strip<DatasetVersion>(out.Item) : undefined;
  }

  async create(version: DatasetVersion): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.item(version),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async save(version: DatasetVersion): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.item(version) }));
  }

  async listOfDataset(department: string, kind: DatasetKind): Promise<DatasetVersion[]> {
    const items = await queryAll(
      this.doc,
      partitionQuery(this.tableName, keys.versionsOfDataset(department, kind)),
    );
    return items.map((i) => strip<DatasetVersion>(i));
  }

  async listOfKind(kind: DatasetKind): Promise<DatasetVersion[]> {
    const items = await queryAll(this.doc, partitionQuery(this.tableName, keys.versionsOfKind(kind)));
    return items.map((i) => strip<DatasetVersion>(i));
  }

  async recordUploadRequest(request: UploadRequest): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.uploadRequest(request), ...request },
        // The request id is random: a clash means a bug, never a reason to overwrite a record.
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async latestUploadRequest(key: string, notAfter: string): Promise<UploadRequest | undefined> {
    const partition = keys.uploadRequestsOfKey(key);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': 'PK', '#sk': 'SK' },
        // `REQUEST#{requestedAt}#…` sorts by time; `~` sorts after every id at the same instant.
        ExpressionAttributeValues: {
          ':pk': partition.pk,
          ':from': partition.skPrefix,
          ':to': `${partition.skPrefix}${notAfter}~`,
        },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    return item ? strip<UploadRequest>(item) : undefined;
  }
}

/** Lateness records of the data-entry check in DynamoDB. */
export class DynamoLatenessRepository implements LatenessRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(): Promise<LatenessRecord[]> {
    const items = await queryAll(this.doc, partitionQuery(this.tableName, keys.allLateness()));
    return items.map((i) => strip<LatenessRecord>(i));
  }

  async save(record: LatenessRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.lateness(record), ...keys.latenessIndexes(record), ...record },
      }),
    );
  }
}

/** Leads in DynamoDB, with optimistic locking on `revision`. */
export class DynamoLeadRepository implements LeadRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(leadId: string): Promise<Lead | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.lead(leadId) }));
    return out.Item ? strip<Lead>(out.Item) : undefined;
  }

  async getMany(leadIds: readonly string[]): Promise<Map<string, Lead>> {
    const found = new Map<string, Lead>();
    const unique = [...new Set(leadIds)];
    for (let i = 0; i < unique.length; i += 100) {
      let request: Record<string, { Keys: Item[] }> | undefined = {
        [this.tableName]: { Keys: unique.slice(i, i + 100).map((id) => keys.lead(id)) },
      };
      // BatchGet may return UnprocessedKeys under load: retry them with backoff until none remain.
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        const out = await this.doc.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of out.Responses?.[this.tableName] ?? []) {
          const lead = strip<Lead>(item);
          found.set(lead.leadId, lead);
        }
        request = out.UnprocessedKeys as typeof request;
        if (attempt > 8 && request && Object.keys(request).length > 0)
          throw new Error('BatchGet kept returning unprocessed keys');
      }
    }
    return found;
  }

  async put(lead: Lead, expectedRevision: number): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.lead(lead.leadId), ...keys.leadIndexes(lead), ...lead },
          ...(expectedRevision === 0
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : {
                ConditionExpression: '#revision = :expected',
                ExpressionAttributeNames: { '#revision': 'revision' },
                ExpressionAttributeValues: { ':expected': expectedRevision },
              }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new RevisionConflictError(lead.leadId);
      throw error;
    }
  }

  async move(previous: Lead, next: Lead): Promise<void> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.lead(next.leadId), ...keys.leadIndexes(next), ...next },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Delete: {
                TableName: this.tableName,
                Key: keys.lead(previous.leadId),
                ConditionExpression: '#revision = :expected',
                ExpressionAttributeNames: { '#revision': 'revision' },
                ExpressionAttributeValues: { ':expected': previous.revision },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if ((error as Error)?.name === 'TransactionCanceledException')
        throw new RevisionConflictError(previous.leadId);
      throw error;
    }
  }

  async listOfRule(rule: string): Promise<Lead[]> {
    const items = await queryAll(this.doc, partitionQuery(this.tableName, keys.leadsOfRule(rule)));
    return items.map((i) => strip<Lead>(i));
  }

  /**
   * Read the rule's GSI2 partition, or GSI1's `LEADS` partition within the created-date key
   * range; push equality and range filters down as a FilterExpression (less data on the
   * wire); then apply the domain's own filter so the result is exact whatever was pushed.
   */
  async scan(filter: LeadFilter): Promise<Lead[]> {
    const bounds = createdBoundsUtc(filter);
    const range = keys.leadsCreatedRange(bounds.from, bounds.before);
    const base = partitionQuery(this.tableName, filter.rule ? keys.leadsOfRule(filter.rule) : range);
    const names: Record<string, string> = { ...base.ExpressionAttributeNames };
    const values: Record<string, unknown> = { ...base.ExpressionAttributeValues };
    let keyCondition = base.KeyConditionExpression as string;
    if (!filter.rule && ('skFrom' in range || 'skBefore' in range)) {
      names['#sk'] = 'GSI1SK';
      if ('skFrom' in range) values[':skFrom'] = range.skFrom;
      if ('skBefore' in range) values[':skBefore'] = range.skBefore;
      keyCondition +=
        'skFrom' in range && 'skBefore' in range
          ? ' AND #sk BETWEEN :skFrom AND :skBefore'
          : 'skFrom' in range
            ? ' AND #sk >= :skFrom'
            : ' AND #sk < :skBefore';
    }
    const filters: string[] = [];
    const equal = (attribute: string, value: unknown): void => {
      if (value === undefined) return;
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      filters.push(`#${attribute} = :${attribute}`);
    };
    equal('township', filter.township);
    equal('village', filter.village);
    equal('assignee', filter.assignee);
    equal('idNumber', filter.idNumber);
    if (filter.statuses?.length) {
      names['#status'] = 'status';
      filter.statuses.forEach((status, i) => {
        values[`:status${i}`] = status;
      });
      filters.push(`#status IN (${filter.statuses.map((_, i) => `:status${i}`).join(', ')})`);
    }
    const bound = (attribute: string, op: '>=' | '<=', placeholder: string, value: number | undefined) => {
      if (value === undefined) return;
      names[`#${attribute}`] = attribute;
      values[placeholder] = value;
      filters.push(`#${attribute} ${op} ${placeholder}`);
    };
    bound('score', '>=', ':minScore', filter.minScore);
    bound('score', '<=', ':maxScore', filter.maxScore);
    bound('amount', '>=', ':minAmount', filter.minAmount);
    bound('amount', '<=', ':maxAmount', filter.maxAmount);
    const items = await queryAll(this.doc, {
      ...base,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
    });
    return items.map((i) => strip<Lead>(i)).filter((lead) => matchesLeadFilter(lead, filter));
  }
}

/** Collision run records in DynamoDB. */
export class DynamoRunRepository implements RunRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async save(run: CollisionRun): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.run(run.runId), ...keys.runIndexes(run), ...run },
      }),
    );
  }

  async get(runId: string): Promise<CollisionRun | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.run(runId) }));
    return out.Item ? strip<CollisionRun>(out.Item) : undefined;
  }

  async list(limit: number): Promise<CollisionRun[]> {
    const out = await this.doc.send(
      new QueryCommand({
        ...partitionQuery(this.tableName, keys.allRuns()),
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => strip<CollisionRun>(i));
  }
}

/** Read pages of a query until `limit` items passed the filter; the cursor resumes after the last read key. */
async function queryPage(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: Item[]; cursor?: string }> {
  const items: Item[] = [];
  let startKey = decodeCursor(cursor);
  do {
    const out = await doc.send(
      new QueryCommand({
        ...input,
        ScanIndexForward: false,
        Limit: limit - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((out.Items ?? []) as Item[]));
    startKey = out.LastEvaluatedKey as Item | undefined;
  } while (startKey && items.length < limit);
  const next = encodeCursor(startKey);
  return next ? { items, cursor: next } : { items };
}

/** Correction tasks for departments in DynamoDB. */
export class DynamoCorrectionTaskRepository implements CorrectionTaskRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(task: CorrectionTask): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.correctionTask(task.taskId), ...keys.correctionTaskIndexes(task), ...task },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async list(query: { department?: string; limit?: number; cursor?: string }): Promise<Page<CorrectionTask>> {
    const index = query.department
      ? keys.correctionTasksOfDepartment(query.department)
      : keys.allCorrectionTasks();
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
    const page = await queryPage(this.doc, partitionQuery(this.tableName, index), limit, query.cursor);
    const items = page.items.map((i) => strip<CorrectionTask>(i));
    return page.cursor ? { items, cursor: page.cursor } : { items };
  }
}

/**
 * The audit log in DynamoDB: append-only. Every entry is put with `attribute_not_exists(PK)`
 * (a clash is an error, never an overwrite), and this class has no update or delete.
 */
export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.auditEntry(entry.auditId), ...keys.auditIndexes(entry), ...entry },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async query(query: AuditQuery): Promise<Page<AuditEntry>> {
    const index = keys.auditEntries(query);
    const input = partitionQuery(this.tableName, index);
    const names: Record<string, string> = { ...input.ExpressionAttributeNames };
    const values: Record<string, unknown> = { ...input.ExpressionAttributeValues };
    let keyCondition = input.KeyConditionExpression as string;
    const from = 'skFrom' in index ? index.skFrom : undefined;
    const to = 'skTo' in index ? index.skTo : undefined;
    if (from !== undefined || to !== undefined) {
      names['#sk'] = `${index.index}SK`;
      if (from !== undefined) values[':skFrom'] = from;
      if (to !== undefined) values[':skTo'] = to;
      keyCondition +=
        from !== undefined && to !== undefined
          ? ' AND #sk BETWEEN :skFrom AND :skTo'
          : from !== undefined
            ? ' AND #sk >= :skFrom'
            : ' AND #sk <= :skTo';
    }
    if (query.action) {
      names['#action'] = 'action';
      values[':action'] = query.action;
    }
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
    const page = await queryPage(
      this.doc,
      {
        ...input,
        KeyConditionExpression: keyCondition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...(query.action ? { FilterExpression: '#action = :action' } : {}),
      },
      limit,
      query.cursor,
    );
    const items = page.items.map((i) => strip<AuditEntry>(i)).filter((e) => matchesAuditQuery(e, query));
    return page.cursor ? { items, cursor: page.cursor } : { items };
  }
}

/** Whether a transaction was cancelled because one of its conditions failed. */
function isTransactionConditionFailure(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] } | undefined;
  return (
    e?.name === 'TransactionCanceledException' &&
    (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')
  );
}

/**
 * Reports in DynamoDB. A report and its receipt are written in one transaction, both only if
 * absent; an update is one transaction of the report (conditional on its revision) and the
 * lead-link items that changed, so links and `leadIds` never disagree.
 */
export class DynamoReportRepository implements ReportRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private item(report: Report): Item {
    return { ...keys.report(report.reportId), ...keys.reportIndexes(report), ...report };
  }

  async create(report: Report): Promise<void> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: this.item(report),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.reportReceipt(report.receiptHash), reportId: report.reportId },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      // Random ids and 60-bit codes: a clash is a bug, never a reason to overwrite.
      if (isTransactionConditionFailure(error))
        throw new Error(`Report ${report.reportId} or its receipt already exists`);
      throw error;
    }
  }

  async get(reportId: string): Promise<Report | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.report(reportId) }),
    );
    return out.Item ? strip<Report>(out.Item) : undefined;
  }

  async moveReceipt(report: Report, receiptHash: string): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.reportReceipt(receiptHash), reportId: report.reportId },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          { Delete: { TableName: this.tableName, Key: keys.reportReceipt(report.receiptHash) } },
          {
            Update: {
              TableName: this.tableName,
              Key: keys.report(report.reportId),
              UpdateExpression: 'SET receiptHash = :next',
              ConditionExpression: 'receiptHash = :previous',
              ExpressionAttributeValues: { ':next': receiptHash, ':previous': report.receiptHash },
            },
          },
        ],
      }),
    );
  }

  async getByReceipt(receiptHash: string): Promise<Report | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.reportReceipt(receiptHash) }),
    );
    const reportId = out.Item?.reportId;
    return typeof reportId === 'string' ? this.get(reportId) : undefined;
  }

  async update(previous: Report, next: Report): Promise<void> {
    const before = new Set(previous.leadIds);
    const after = new Set(next.leadIds);
    const links = [
      ...next.leadIds
        .filter((id) => !before.has(id))
        .map((id) => ({
          Put: {
            TableName: this.tableName,
            Item: { ...keys.reportLeadLink(next.reportId, id), reportId: next.reportId, leadId: id },
          },
        })),
      ...previous.leadIds
        .filter((id) => !after.has(id))
        .map((id) => {
          const { PK, SK } = keys.reportLeadLink(next.reportId, id);
          return { Delete: { TableName: this.tableName, Key: { PK, SK } } };
        }),
    ];
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: this.item(next),
                ConditionExpression: '#revision = :expected',
                ExpressionAttributeNames: { '#revision': 'revision' },
                ExpressionAttributeValues: { ':expected': previous.revision },
              },
            },
            ...links,
          ],
        }),
      );
    } catch (error) {
      if (isTransactionConditionFailure(error)) throw new ReportRevisionConflictError(next.reportId);
      throw error;
    }
  }

  async list(query: { office?: string | null; assistedBy?: string }): Promise<Report[]> {
    const base = partitionQuery(
      this.tableName,
      query.office !== undefined ? keys.reportsOfOffice(query.office) : keys.allReports(),
    );
    const items = await queryAll(
      this.doc,
      query.assistedBy === undefined
        ? base
        : {
            ...base,
            FilterExpression: '#assistedBy.#subject = :assistedBy',
            ExpressionAttributeNames: {
              ...base.ExpressionAttributeNames,
              '#assistedBy': 'assistedBy',
              '#subject': 'subject',
            },
            ExpressionAttributeValues: { ...base.ExpressionAttributeValues, ':assistedBy': query.assistedBy },
          },
    );
    return items.map((i) => strip<Report>(i));
  }

  async ofLead(leadId: string): Promise<Report[]> {
    const links = await queryAll(this.doc, partitionQuery(this.tableName, keys.reportsOfLead(leadId)));
    const ids = [
      ...new Set(links.map((l) => l.reportId).filter((id): id is string => typeof id === 'string')),
    ];
    const reports: Report[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let request: Record<string, { Keys: Item[] }> | undefined = {
        [this.tableName]: { Keys: ids.slice(i, i + 100).map((id) => keys.report(id)) },
      };
      // BatchGet may return UnprocessedKeys under load: retry them with backoff until none remain.
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        if (attempt > 9) throw new Error('BatchGet kept returning unprocessed keys');
        const out = await this.doc.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of out.Responses?.[this.tableName] ?? []) reports.push(strip<Report>(item));
        request = out.UnprocessedKeys as typeof request;
      }
    }
    return reports;
  }
}
