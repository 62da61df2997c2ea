import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { UploadRequest } from '@jiandu/domain/datasets/corrections';
import type { DatasetKind } from '@jiandu/domain/kinds';
import { RevisionConflictError, type VersionRepository } from '@jiandu/domain/ports';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { keys } from '../keys.js';
import { type Item, isConditionFailure, partitionQuery, queryAll, strip } from './items.js';

/**
 * Dataset versions and the upload requests that name who uploads (and what it replaces).
 * A version's state changes (replaced, withdrawn, replacement requested) are written only if
 * nobody changed it since it was read: `revision` counts them (absent = never changed).
 */
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

  async save(version: DatasetVersion): Promise<DatasetVersion> {
    const expected = version.revision ?? 0;
    const saved: DatasetVersion = { ...version, revision: expected + 1 };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.item(saved),
          // Revision 0 is a version never changed since it was registered: no attribute yet.
          ConditionExpression:
            expected === 0
              ? 'attribute_exists(PK) AND (attribute_not_exists(#revision) OR #revision = :expected)'
              : '#revision = :expected',
          ExpressionAttributeNames: { '#revision': 'revision' },
          ExpressionAttributeValues: { ':expected': expected },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new RevisionConflictError(version.versionId, 'Version');
      throw error;
    }
    return saved;
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
