import type { CorrectionTask } from '@jiandu/domain/leads/workflow';
import type { CorrectionTaskRepository, Page } from '@jiandu/domain/ports';
import { keys } from '../keys.js';
import { pageLimit } from '../paging.js';
import { ABSENT, partitionQuery, queryPage, strip } from './items.js';
import { TableRepository } from './repository.js';

/** Correction tasks for data-owning departments. */
export class DynamoCorrectionTaskRepository extends TableRepository implements CorrectionTaskRepository {
  create(task: CorrectionTask): Promise<boolean> {
    return this.putItem(
      { ...keys.correctionTask(task.taskId), ...keys.correctionTaskIndexes(task), ...task },
      ABSENT,
    );
  }

  async list(query: { department?: string; limit?: number; cursor?: string }): Promise<Page<CorrectionTask>> {
    const index = query.department
      ? keys.correctionTasksOfDepartment(query.department)
      : keys.allCorrectionTasks();
    const page = await queryPage(
      this.doc,
      partitionQuery(this.tableName, index),
      pageLimit(query.limit),
      query.cursor,
    );
    const items = page.items.map((i) => strip<CorrectionTask>(i));
    return page.cursor ? { items, cursor: page.cursor } : { items };
  }
}
