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
