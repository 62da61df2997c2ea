import { type AuditEntry, type AuditQuery, matchesAuditQuery } from '@jiandu/domain/audit';
import type { AuditLog, Page } from '@jiandu/domain/ports';
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
      .reverse();
    return offsetPage(all, q.limit, q.cursor);
  }

  /** Every entry, oldest first (copies), for tests to inspect. */
  entries(): AuditEntry[] {
    return this.#entries.map(clone);
  }
}
