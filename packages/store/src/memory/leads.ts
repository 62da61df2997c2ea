import {
  type LeadFilter,
  type LeadPage,
  matchesLeadFilter,
  type PageRequest,
  pageLeads,
} from '@jiandu/domain/leads/query';
import type { Lead } from '@jiandu/domain/model';
import {
  type LeadRepository,
  type LeadStatsScope,
  type LeadWrite,
  RevisionConflictError,
} from '@jiandu/domain/ports';
import { leadStatistics } from '@jiandu/domain/stats';
import { byKey, clone } from './support.js';

/** Leads in memory, with the same optimistic locking on `revision`. */
export class MemoryLeads implements LeadRepository {
  /** The stored leads by id, for tests to seed and inspect. */
  readonly items = new Map<string, Lead>();

  async get(id: string) {
    const l = this.items.get(id);
    return l && clone(l);
  }

  async getMany(ids: readonly string[]) {
    const found = new Map<string, Lead>();
    for (const id of ids) {
      const l = this.items.get(id);
      if (l) found.set(id, clone(l));
    }
    return found;
  }

  async put(lead: Lead, expectedRevision: number) {
    const current = this.items.get(lead.leadId);
    if ((current?.revision ?? 0) !== expectedRevision) throw new RevisionConflictError(lead.leadId);
    this.items.set(lead.leadId, clone(lead));
  }

  async putMany(writes: readonly LeadWrite[]) {
    const conflicts: string[] = [];
    for (const { next, previous } of writes) {
      try {
        await this.put(next, previous?.revision ?? 0);
      } catch (error) {
        if (!(error instanceof RevisionConflictError)) throw error;
        conflicts.push(next.leadId);
      }
    }
    return conflicts;
  }

  async statistics(scope: LeadStatsScope) {
    return leadStatistics(await this.scan(scope));
  }

  /** Statistics are computed from the leads here: nothing to prepare. */
  async ensureStatistics() {}

  async move(previous: Lead, next: Lead) {
    if (this.items.has(next.leadId) || this.items.get(previous.leadId)?.revision !== previous.revision)
      throw new RevisionConflictError(previous.leadId);
    this.items.delete(previous.leadId);
    this.items.set(next.leadId, clone(next));
  }

  async listOfRule(rule: string) {
    return [...this.items.values()]
      .filter((l) => l.rule === rule)
      .sort(byKey((l) => l.leadId))
      .map(clone);
  }

  async page(filter: LeadFilter, request: PageRequest): Promise<LeadPage> {
    const leads = await this.scan(filter);
    return { ...pageLeads(leads, request), total: leads.length };
  }

  async scan(filter: LeadFilter) {
    return [...this.items.values()].filter((l) => matchesLeadFilter(l, filter)).map(clone);
  }
}
