import { type LeadFilter, matchesLeadFilter } from '@jiandu/domain/leads/query';
import type { Lead } from '@jiandu/domain/model';
import { type LeadRepository, RevisionConflictError } from '@jiandu/domain/ports';
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

  async listOfRule(rule: string) {
    return [...this.items.values()]
      .filter((l) => l.rule === rule)
      .sort(byKey((l) => l.leadId))
      .map(clone);
  }

  async scan(filter: LeadFilter) {
    return [...this.items.values()].filter((l) => matchesLeadFilter(l, filter)).map(clone);
  }
}
