import { ConflictError, NotFoundError } from '@jiandu/domain/errors';
import type { FailedExecution, WorkflowExecutions } from '@jiandu/domain/ports';
import { clone } from './support.js';

/** Failed workflow executions in memory: seeded by tests, redriven like Step Functions does. */
export class MemoryWorkflowExecutions implements WorkflowExecutions {
  /** Failed executions by id, for tests to seed and inspect (a redriven one leaves the list). */
  readonly items = new Map<string, FailedExecution>();
  /** Ids redriven so far, in order. */
  readonly redriven: string[] = [];

  constructor(private readonly now: () => string = () => new Date().toISOString()) {}

  async listFailed(limit: number) {
    return [...this.items.values()]
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .slice(0, limit)
      .map(clone);
  }

  async redrive(id: string) {
    const execution = this.items.get(id);
    if (!execution) throw new NotFoundError('Workflow execution');
    if (!execution.redrivable) throw new ConflictError(`该执行无法重新驱动：${execution.error}`);
    this.items.delete(id);
    this.redriven.push(id);
    return { redrivenAt: this.now() };
  }
}
