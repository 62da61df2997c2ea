import { type ReportRepository, RevisionConflictError } from '@jiandu/domain/ports';
import type { Report } from '@jiandu/domain/reports/report';
import { clone } from './support.js';

/** Reports in memory: receipts by hash, optimistic locking and lead links like the DynamoDB adapter. */
export class MemoryReports implements ReportRepository {
  /** The stored reports by id, for tests to inspect. */
  readonly items = new Map<string, Report>();
  readonly #receipts = new Map<string, string>();

  async create(report: Report) {
    if (this.items.has(report.reportId) || this.#receipts.has(report.receiptHash))
      throw new Error(`Report ${report.reportId} or its receipt already exists`);
    this.items.set(report.reportId, clone(report));
    this.#receipts.set(report.receiptHash, report.reportId);
  }

  async get(id: string) {
    const r = this.items.get(id);
    return r && clone(r);
  }

  async getByReceipt(hash: string) {
    const id = this.#receipts.get(hash);
    return id === undefined ? undefined : this.get(id);
  }

  /** Receipt digests in store (tests check that a legacy one is gone). */
  receiptHashes(): string[] {
    return [...this.#receipts.keys()];
  }

  async moveReceipt(report: Report, hash: string) {
    const stored = this.items.get(report.reportId);
    if (!stored || this.#receipts.has(hash) || stored.receiptHash !== report.receiptHash)
      throw new Error(`Receipt of ${report.reportId} can't move`);
    this.#receipts.delete(report.receiptHash);
    this.#receipts.set(hash, report.reportId);
    this.items.set(report.reportId, { ...stored, receiptHash: hash });
  }

  async update(previous: Report, next: Report) {
    if (this.items.get(next.reportId)?.revision !== previous.revision)
      throw new RevisionConflictError(next.reportId, 'Report');
    this.items.set(next.reportId, clone(next));
  }

  async list(q: { office?: string | null; assistedBy?: string }) {
    return [...this.items.values()]
      .filter((r) => q.office === undefined || r.office === q.office)
      .filter((r) => q.assistedBy === undefined || r.assistedBy?.subject === q.assistedBy)
      .map(clone);
  }

  async ofLead(leadId: string) {
    return [...this.items.values()].filter((r) => r.leadIds.includes(leadId)).map(clone);
  }
}
