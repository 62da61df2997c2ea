import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { DatasetKind } from '@jiandu/domain/kinds';
import type { Lead } from '@jiandu/domain/model';
import {
  type LeadQuery,
  type LeadRepository,
  type Page,
  RevisionConflictError,
  type RunRepository,
  type VersionRepository,
} from '@jiandu/domain/ports';
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

  async list(query: LeadQuery): Promise<Page<Lead>> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
    const index = query.rule ? keys.leadsOfRule(query.rule) : keys.allLeads();
    const base = partitionQuery(this.tableName, index);
    const filters: string[] = [];
    const names: Record<string, string> = { ...base.ExpressionAttributeNames };
    const values: Record<string, unknown> = { ...base.ExpressionAttributeValues };
    if (query.status) {
      filters.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = query.status;
    }
    if (query.township) {
      filters.push('#township = :township');
      names['#township'] = 'township';
      values[':township'] = query.township;
    }
    const items: Lead[] = [];
    let startKey = decodeCursor(query.cursor);
    // A filter applies after DynamoDB's page limit, so keep reading until the page is full.
    do {
      const out = await this.doc.send(
        new QueryCommand({
          ...base,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []).map((i) => strip<Lead>(i)));
      startKey = out.LastEvaluatedKey as Item | undefined;
    } while (startKey && items.length < limit);
    const cursor = encodeCursor(startKey);
    return cursor ? { items, cursor } : { items };
  }

  async listOfRule(rule: string): Promise<Lead[]> {
    const items = await queryAll(this.doc, partitionQuery(this.tableName, keys.leadsOfRule(rule)));
    return items.map((i) => strip<Lead>(i));
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
