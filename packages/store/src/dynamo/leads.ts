import { createdBoundsUtc, type LeadFilter, matchesLeadFilter } from '@jiandu/domain/leads/query';
import type { Lead } from '@jiandu/domain/model';
import { type LeadRepository, RevisionConflictError } from '@jiandu/domain/ports';
import { keys } from '../keys.js';
import { batchGet } from './batch.js';
import { revisionCondition, strip } from './items.js';
import { TableRepository } from './repository.js';

/** Leads, with optimistic locking on `revision`. */
export class DynamoLeadRepository extends TableRepository implements LeadRepository {
  get(leadId: string): Promise<Lead | undefined> {
    return this.getItem(keys.lead(leadId));
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
    const item = { ...keys.lead(lead.leadId), ...keys.leadIndexes(lead), ...lead };
    if (!(await this.putItem(item, revisionCondition(expectedRevision))))
      throw new RevisionConflictError(lead.leadId);
  }

  listOfRule(rule: string): Promise<Lead[]> {
    return this.queryAll(keys.leadsOfRule(rule));
  }

  /**
   * Read the rule's GSI2 partition, or GSI1's `LEADS` partition within the created-date key
   * range; push equality and range filters down as a FilterExpression (less data on the
   * wire); then apply the domain's own filter so the result is exact whatever was pushed.
   */
  async scan(filter: LeadFilter): Promise<Lead[]> {
    const bounds = createdBoundsUtc(filter);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
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
    const leads = await this.queryAll<Lead>(
      filter.rule ? keys.leadsOfRule(filter.rule) : keys.leadsCreatedRange(bounds.from, bounds.before),
      filters.length
        ? {
            FilterExpression: filters.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }
        : undefined,
    );
    return leads.filter((lead) => matchesLeadFilter(lead, filter));
  }
}
