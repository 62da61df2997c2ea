import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type ReportRepository, RevisionConflictError } from '@jiandu/domain/ports';
import type { Report } from '@jiandu/domain/reports/report';
import { keys } from '../keys.js';
import { batchGet } from './batch.js';
import {
  ABSENT,
  type Condition,
  type Item,
  isTransactionConditionFailure,
  revisionCondition,
  strip,
} from './items.js';
import { TableRepository } from './repository.js';

/**
 * Reports. A report and its receipt are written in one transaction, both only if absent; an
 * update is one transaction of the report (conditional on its revision) and the lead-link
 * items that changed, so links and `leadIds` never disagree.
 */
export class DynamoReportRepository extends TableRepository implements ReportRepository {
  /** An item as a transaction's Put under `condition`. */
  private put(item: Item, condition: Condition) {
    return { Put: { TableName: this.tableName, Item: item, ...condition } };
  }

  private item(report: Report): Item {
    return { ...keys.report(report.reportId), ...keys.reportIndexes(report), ...report };
  }

  async create(report: Report): Promise<void> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            this.put(this.item(report), ABSENT),
            this.put({ ...keys.reportReceipt(report.receiptHash), reportId: report.reportId }, ABSENT),
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

  get(reportId: string): Promise<Report | undefined> {
    return this.getItem(keys.report(reportId));
  }

  async moveReceipt(report: Report, receiptHash: string): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          this.put({ ...keys.reportReceipt(receiptHash), reportId: report.reportId }, ABSENT),
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
    const receipt = await this.getItem<{ reportId?: unknown }>(keys.reportReceipt(receiptHash));
    return typeof receipt?.reportId === 'string' ? this.get(receipt.reportId) : undefined;
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
          TransactItems: [this.put(this.item(next), revisionCondition(previous.revision)), ...links],
        }),
      );
    } catch (error) {
      if (isTransactionConditionFailure(error)) throw new RevisionConflictError(next.reportId, 'Report');
      throw error;
    }
  }

  async list(query: { office?: string | null; assistedBy?: string }): Promise<Report[]> {
    const range = query.office !== undefined ? keys.reportsOfOffice(query.office) : keys.allReports();
    return this.queryAll(
      range,
      query.assistedBy === undefined
        ? undefined
        : {
            FilterExpression: '#assistedBy.#subject = :assistedBy',
            ExpressionAttributeNames: { '#assistedBy': 'assistedBy', '#subject': 'subject' },
            ExpressionAttributeValues: { ':assistedBy': query.assistedBy },
          },
    );
  }

  async ofLead(leadId: string): Promise<Report[]> {
    const links = await this.queryAll<{ reportId?: unknown }>(keys.reportsOfLead(leadId));
    const ids = new Set(links.map((l) => l.reportId).filter((id): id is string => typeof id === 'string'));
    const items = await batchGet(
      this.doc,
      this.tableName,
      [...ids].map((id) => keys.report(id)),
    );
    return items.map((i) => strip<Report>(i));
  }
}
