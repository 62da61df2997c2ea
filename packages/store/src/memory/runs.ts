import type { RunRepository } from '@jiandu/domain/ports';
import type { CollisionRun } from '@jiandu/domain/versions';
import { byKey, clone } from './support.js';

/** Collision run records in memory, listed newest first. */
export class MemoryRuns implements RunRepository {
  /** The stored runs by id, for tests to seed and inspect. */
  readonly items = new Map<string, CollisionRun>();

  async save(run: CollisionRun) {
    this.items.set(run.runId, clone(run));
  }

  async get(id: string) {
    const r = this.items.get(id);
    return r && clone(r);
  }

  async list(limit: number) {
    return [...this.items.values()]
      .sort(byKey((r) => `${r.startedAt}#${r.runId}`))
      .reverse()
      .slice(0, limit)
      .map(clone);
  }
}
