import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { UploadRequest } from '@jiandu/domain/datasets/corrections';
import type { DatasetKind } from '@jiandu/domain/kinds';
import { RevisionConflictError, type VersionRepository } from '@jiandu/domain/ports';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { keys } from '../keys.js';
import { ABSENT, type Item, strip } from './items.js';
import { TableRepository } from './repository.js';

/**
 * Dataset versions and the upload requests that name who uploads (and what it replaces).
 * A version's state changes (replaced, withdrawn, replacement requested) are written only if
 * nobody changed it since it was read: `revision` counts them (absent = never changed).
 */
export class DynamoVersionRepository extends TableRepository implements VersionRepository {
  private item(v: DatasetVersion): Item {
    return { ...keys.version(v.versionId), ...keys.versionIndexes(v), ...v };
  }

  get(versionId: string): Promise<DatasetVersion | undefined> {
    return this.getItem(keys.version(versionId));
  }

  create(version: DatasetVersion): Promise<boolean> {
    return this.putItem(this.item(version), ABSENT);
  }

  async save(version: DatasetVersion): Promise<DatasetVersion> {
    const expected = version.revision ?? 0;
    const saved: DatasetVersion = { ...version, revision: expected + 1 };
    const written = await this.putItem(this.item(saved), {
      // Revision 0 is a version never changed since it was registered: no attribute yet.
      ConditionExpression:
        expected === 0
          ? 'attribute_exists(PK) AND (attribute_not_exists(#revision) OR #revision = :expected)'
          : '#revision = :expected',
      ExpressionAttributeNames: { '#revision': 'revision' },
      ExpressionAttributeValues: { ':expected': expected },
    });
    if (!written) throw new RevisionConflictError(version.versionId, 'Version');
    return saved;
  }

  listOfDataset(department: string, kind: DatasetKind): Promise<DatasetVersion[]> {
    return this.queryAll(keys.versionsOfDataset(department, kind));
  }

  listOfKind(kind: DatasetKind): Promise<DatasetVersion[]> {
    return this.queryAll(keys.versionsOfKind(kind));
  }

  async recordUploadRequest(request: UploadRequest): Promise<void> {
    // The request id is random: a clash means a bug, never a reason to overwrite a record.
    if (!(await this.putItem({ ...keys.uploadRequest(request), ...request }, ABSENT)))
      throw new Error(`Upload request ${request.requestId} already exists`);
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
