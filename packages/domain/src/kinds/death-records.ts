import { idNumber, personName } from './columns.js';
import { defineKind } from './define.js';

/** 死亡人员 (CONTRACT.md §2). */
export const deathRecordsKind = defineKind({
  kind: 'death_records',
  label: '死亡人员',
  versions: 'snapshot',
  reference: true,
  uploadRank: 1,
  columns: [
    idNumber,
    personName,
    { name: 'death_date', label: '死亡日期', type: 'date' },
    { name: 'source', label: '数据来源', type: 'label' },
  ],
  required: [['id_number'], ['name'], ['death_date']],
  rowRequired: [['death_date'], ['id_number', 'name']],
  evidence: ['id_number', 'name', 'death_date', 'source'],
  nameColumn: 'name',
});
