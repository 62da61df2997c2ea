import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createdBoundsUtc, type LeadFilter, matchesLeadFilter } from '@jiandu/domain/leads/query';
import type { Lead } from '@jiandu/domain/model';
import { type LeadRepository, RevisionConflictError } from '@jiandu/domain/ports';
import { keys } from '../keys.js';
import { batchGet } from './batch.js';
import { isConditionFailure, partitionQuery, queryAll, revisionCondition, strip } from './items.js';

/** Leads, with optimistic locking on `revision`. */
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
    const items = await batchGet(
      this.doc,
      this.tableName,
      [...new Set(leadIds)].map((id) => keys.lead(id)),
    );
    return new Map(items.map((i) => strip<Lead>(i)).map((lead) => [lead.leadId, lead]));
  }

  async put(lead: Lead, expectedRevision: number): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.lead(lead.leadId), ...keys.leadIndexes(lead), ...lead },
          ...revisionCondition(expectedRevision),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new RevisionConflictError(lead.leadId);
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
    const base = partitionQuery(
      this.tableName,
      filter.rule ? keys.leadsOfRule(filter.rule) : keys.leadsCreatedRange(bounds.from, bounds.before),
    );
    const names: Record<string, string> = { ...base.ExpressionAttributeNames };
    const values: Record<string, unknown> = { ...base.ExpressionAttributeValues };
    const filters: string[] = [];
    const compare = (attribute: string, op: '=' | '>=' | '<=', placeholder: string, value: unknown) => {
      if (value === undefined) return;
      names[`#${attribute}`] = attribute;
      values[placeholder] = value;
      filters.push(`#${attribute} ${op} ${placeholder}`);
    };
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
    const items = await queryAll(this.doc, {
      ...base,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
    });
    return items.map((i) => strip<Lead>(i)).filter((lead) => matchesLeadFilter(lead, filter));
  }
}
