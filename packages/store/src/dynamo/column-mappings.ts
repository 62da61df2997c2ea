import type { ColumnMapping, ColumnMappingRepository } from '@jiandu/domain/datasets/column-mappings';
import type { DatasetKind } from '@jiandu/domain/kinds';
import { keys } from '../keys.js';
import { TableRepository } from './repository.js';

/** Departments' remembered column mappings: one item per department and kind. */
export class DynamoColumnMappingRepository extends TableRepository implements ColumnMappingRepository {
  get(department: string, kind: DatasetKind): Promise<ColumnMapping | undefined> {
    return this.getItem(keys.columnMapping(department, kind));
  }

  /** The mapping carries its own history, so a put keeps every earlier statement. */
  async save(mapping: ColumnMapping): Promise<void> {
    await this.putItem({ ...keys.columnMapping(mapping.department, mapping.kind), ...mapping });
  }
}
