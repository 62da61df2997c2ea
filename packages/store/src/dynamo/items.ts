import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { KEY_ATTRIBUTES } from '../keys.js';
import { InvalidCursorError } from '../paging.js';

/**
 * What every DynamoDB repository shares: turning items back into domain objects, recognising
 * failed conditions, reading index partitions (whole or a page at a time) and cursors.
 */

/** A table item as the document client reads and writes it. */
export type Item = Record<string, unknown>;

/** The domain object of an item: its key attributes removed. */
export function strip<T>(item: Item): T {
  const copy: Item = { ...item };
  for (const k of KEY_ATTRIBUTES) delete copy[k];
  return copy as T;
}

/** Whether a single-item write failed its `ConditionExpression`. */
export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error)?.name === 'ConditionalCheckFailedException'
  );
}

/** Whether a transaction was cancelled because one of its conditions failed. */
export function isTransactionConditionFailure(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] } | undefined;
  return (
    e?.name === 'TransactionCanceledException' &&
    (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')
  );
}

/** A write's condition, spread into a Put (or a transaction's Put or Delete). */
export interface Condition {
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
}

/** The item must not exist yet: nothing is ever overwritten by a create. */
export const ABSENT: Condition = { ConditionExpression: 'attribute_not_exists(PK)' };

/** Optimistic locking: the item must still carry revision `expected` (0: must not exist yet). */
export function revisionCondition(expected: number): Condition {
  return expected === 0
    ? ABSENT
    : {
        ConditionExpression: '#revision = :expected',
        ExpressionAttributeNames: { '#revision': 'revision' },
        ExpressionAttributeValues: { ':expected': expected },
      };
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

/** A partition of an index and, optionally, a range of its sort key (either end may be open). */
export interface IndexRange {
  /** A GSI name; absent: the table's own keys. */
  readonly index?: string;
  readonly pk: string;
  /** Inclusive lower bound. */
  readonly skFrom?: string;
  /** Inclusive upper bound. */
  readonly skTo?: string;
  /** Exclusive upper bound. */
  readonly skBefore?: string;
}

/** The query of one index partition, narrowed to its sort-key range when one is given. */
export function partitionQuery(tableName: string, range: IndexRange): QueryCommandInput {
  const names: Record<string, string> = { '#pk': `${range.index ?? ''}PK` };
  const values: Record<string, unknown> = { ':pk': range.pk };
  let condition = '#pk = :pk';
  const upper =
    range.skTo !== undefined
      ? { value: range.skTo, op: '<=' }
      : range.skBefore !== undefined
        ? { value: range.skBefore, op: '<' }
        : undefined;
  if (range.skFrom !== undefined || upper) {
    names['#sk'] = `${range.index ?? ''}SK`;
    if (range.skFrom !== undefined) values[':skFrom'] = range.skFrom;
    if (upper) values[':skTo'] = upper.value;
    // A key condition takes one sort-key comparison. BETWEEN includes its upper end, which is
    // harmless for `skBefore`: it is a bare instant, and every key is `{instant}#{id}`.
    condition +=
      range.skFrom === undefined
        ? ` AND #sk ${upper?.op} :skTo`
        : upper
          ? ' AND #sk BETWEEN :skFrom AND :skTo'
          : ' AND #sk >= :skFrom';
  }
  return {
    TableName: tableName,
    ...(range.index ? { IndexName: range.index } : {}),
    KeyConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** A FilterExpression and the names and values it uses (beside the key condition's). */
export interface Filter {
  readonly FilterExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

/** The query narrowed by a filter (DynamoDB still reads, and pages by, what the key selects). */
export function withFilter(input: QueryCommandInput, filter: Filter | undefined): QueryCommandInput {
  if (!filter) return input;
  return {
    ...input,
    FilterExpression: filter.FilterExpression,
    ExpressionAttributeNames: { ...input.ExpressionAttributeNames, ...filter.ExpressionAttributeNames },
    ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ...filter.ExpressionAttributeValues },
  };
}

/** Query every page of an index partition. */
export async function queryAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Item | undefined;
  do {
    const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...((out.Items ?? []) as Item[]));
    ExclusiveStartKey = out.LastEvaluatedKey as Item | undefined;
  } while (ExclusiveStartKey);
  return items;
}

/**
 * Read pages of a query, newest first (oldest first with `forward`), until `limit` items were
 * read; the cursor resumes after the last read key.
 */
export async function queryPage(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  limit: number,
  cursor: string | undefined,
  forward = false,
): Promise<{ items: Item[]; cursor?: string }> {
  const items: Item[] = [];
  let startKey = decodeCursor(cursor);
  let clientKey = startKey !== undefined;
  do {
    const out = await doc
      .send(
        new QueryCommand({
          ...input,
          ScanIndexForward: forward,
          Limit: limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      )
      .catch((error: unknown) => {
        // DynamoDB refuses a start key that is not one of this query's (a cursor of another
        // month, place or list, or an edited one): the caller's mistake, a 400 and not a 500.
        if (clientKey && error instanceof Error && error.name === 'ValidationException')
          throw new InvalidCursorError();
        throw error;
      });
    clientKey = false;
    items.push(...((out.Items ?? []) as Item[]));
    startKey = out.LastEvaluatedKey as Item | undefined;
  } while (startKey && items.length < limit);
  const next = encodeCursor(startKey);
  return next ? { items, cursor: next } : { items };
}
