import {
  type AuditEntry,
  type AuditLeadIdPage,
  type AuditQuery,
  auditLeadIdParts,
  listedAuditEntry,
  matchesAuditQuery,
} from '@jiandu/domain/audit';
import type { AuditLog, Page } from '@jiandu/domain/ports';
import { auditLeadIdPage } from '../paging.js';
import { byKey, clone, offsetPage } from './support.js';

/** The audit log in memory: append-only like the real one, no way to change or remove an entry. */
export class MemoryAuditLog implements AuditLog {
  readonly #entries: AuditEntry[] = [];

  async append(entry: AuditEntry) {
    if (this.#entries.some((e) => e.auditId === entry.auditId))
      throw new Error(`Audit entry ${entry.auditId} already exists`);
    this.#entries.push(clone(entry));
  }

  async query(q: AuditQuery): Promise<Page<AuditEntry>> {
    const all = this.#entries
      .filter((e) => matchesAuditQuery(e, q))
      .sort(byKey((e) => e.auditId))
      .reverse()
      .map(listedAuditEntry);
    return offsetPage(all, q.limit, q.cursor);
  }

  async leadIds(
    auditId: string,
    page: { readonly limit?: number; readonly cursor?: string },
  ): Promise<AuditLeadIdPage | undefined> {
    const entry = this.#entries.find((e) => e.auditId === auditId);
    if (!entry) return undefined;
    const parts = auditLeadIdParts(entry.target.leadIds ?? []);
    return auditLeadIdPage(entry, async (part) => parts[part] ?? [], page);
  }

  /** Every entry, oldest first (copies), for tests to inspect. */
  entries(): AuditEntry[] {
    return this.#entries.map(clone);
  }
}
