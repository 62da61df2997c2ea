/**
 * The single DynamoDB table's physical shape, shared by the CDK data stack and the local
 * platform (which creates the same table in DynamoDB Local). What goes into the keys is
 * decided in `keys.ts`, nowhere else.
 */
export const TABLE_SHAPE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** Attribute DynamoDB's TTL deletes items by (epoch seconds); used only for ephemeral items. */
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  ],
} as const;

/** GSI names, for queries. */
export type IndexName = (typeof TABLE_SHAPE.globalSecondaryIndexes)[number]['indexName'];

/**
 * The audit log's own table: the same key attributes and indexes as the platform table (the
 * keys come from `keys.auditEntry`/`auditIndexes`), but no TTL attribute, so nothing ever
 * expires an entry. A table of its own lets IAM give its writer `PutItem` and reads only,
 * and deny every update, delete and batch write of it to everyone.
 */
export const AUDIT_TABLE_SHAPE = {
  partitionKey: TABLE_SHAPE.partitionKey,
  sortKey: TABLE_SHAPE.sortKey,
  globalSecondaryIndexes: TABLE_SHAPE.globalSecondaryIndexes,
} as const;

/** The shape of either table: TTL only where items expire. */
export type TableShape = typeof AUDIT_TABLE_SHAPE & { readonly timeToLiveAttribute?: string };
