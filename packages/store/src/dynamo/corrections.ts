import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CorrectionTask } from '@jiandu/domain/leads/workflow';
import type { CorrectionTaskRepository, Page } from '@jiandu/domain/ports';
import { keys } from '../keys.js';
import { pageLimit } from '../paging.js';
import { isConditionFailure, partitionQuery, queryPage, strip } from './items.js';

/** Correction tasks for data-owning departments. */
export class DynamoCorrectionTaskRepository implements CorrectionTaskRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(task: CorrectionTask): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.correctionTask(task.taskId), ...keys.correctionTaskIndexes(task), ...task },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
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
