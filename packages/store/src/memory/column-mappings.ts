import type { ColumnMapping, ColumnMappingRepository } from '@jiandu/domain/datasets/column-mappings';
import type { DatasetKind } from '@jiandu/domain/kinds';
import { clone } from './support.js';

/** Remembered column mappings in memory, one per department and kind. */
export class MemoryColumnMappings implements ColumnMappingRepository {
  readonly items = new Map<string, ColumnMapping>();

  async get(department: string, kind: DatasetKind): Promise<ColumnMapping | undefined> {
    const m = this.items.get(`${department}#${kind}`);
    return m && clone(m);
  }

  async save(mapping: ColumnMapping): Promise<void> {
    this.items.set(`${mapping.department}#${mapping.kind}`, clone(mapping));
  }
}
