import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type ReportRepository, ReportRevisionConflictError } from '@jiandu/domain/ports';
import type { Report } from '@jiandu/domain/reports/report';
import { keys } from '../keys.js';
import { batchGet } from './batch.js';
import { type Item, isTransactionConditionFailure, partitionQuery, queryAll, strip } from './items.js';

/**
 * Reports. A report and its receipt are written in one transaction, both only if absent; an
 * update is one transaction of the report (conditional on its revision) and the lead-link
 * items that changed, so links and `leadIds` never disagree.
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
    const ids = new Set(links.map((l) => l.reportId).filter((id): id is string => typeof id === 'string'));
    const items = await batchGet(
      this.doc,
      this.tableName,
      [...ids].map((id) => keys.report(id)),
    );
    return items.map((i) => strip<Report>(i));
  }
}
