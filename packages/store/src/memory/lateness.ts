import type { LatenessRecord } from '@jiandu/domain/datasets/progress';
import type { LatenessRepository } from '@jiandu/domain/ports';
import { byKey, clone } from './support.js';

const keyOf = (r: LatenessRecord) => `${r.department}#${r.kind}#${r.dueAt ?? 'none'}`;

/** Lateness records in memory, listed in index order (department, kind, due date). */
export class MemoryLateness implements LatenessRepository {
  readonly #items = new Map<string, LatenessRecord>();

  async list() {
    return [...this.#items.values()].sort(byKey(keyOf)).map(clone);
  }

  async saveAll(records: readonly LatenessRecord[]) {
    for (const r of records) this.#items.set(keyOf(r), clone(r));
  }
}
