import type { CorrectionTask } from '@jiandu/domain/leads/workflow';
import type { CorrectionTaskRepository, Page } from '@jiandu/domain/ports';
import { byKey, clone, offsetPage } from './support.js';

/** Correction tasks in memory, listed newest first. */
export class MemoryCorrectionTasks implements CorrectionTaskRepository {
  /** The stored tasks by id, for tests to inspect. */
  readonly items = new Map<string, CorrectionTask>();

  async create(task: CorrectionTask) {
    if (this.items.has(task.taskId)) return false;
    this.items.set(task.taskId, clone(task));
    return true;
  }

  async list(q: { department?: string; limit?: number; cursor?: string }): Promise<Page<CorrectionTask>> {
    const all = [...this.items.values()]
      .filter((t) => !q.department || t.department === q.department)
      .sort(byKey((t) => `${t.createdAt}#${t.taskId}`))
      .reverse();
    return offsetPage(all, q.limit, q.cursor);
  }
}
