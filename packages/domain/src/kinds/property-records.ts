import { defineKind } from './define.js';

/** 不动产登记 (CONTRACT.md §2). */
export const propertyRecordsKind = defineKind({
  kind: 'property_records',
  label: '不动产登记',
  versions: 'snapshot',
  reference: true,
  uploadRank: 1,
  columns: [
    { name: 'owner_id', label: '权利人证件号', type: 'person_id' },
    { name: 'owner_name', label: '权利人', type: 'name' },
    { name: 'address', label: '坐落', type: 'text' },
    { name: 'usage', label: '用途', type: 'label' },
    { name: 'housing_type', label: '房屋性质', type: 'label' },
    { name: 'area', label: '建筑面积', type: 'number' },
    { name: 'registered_date', label: '登记日期', type: 'date' },
  ],
  required: [['owner_id'], ['owner_name']],
  rowRequired: [['owner_id', 'owner_name']],
  evidence: ['owner_id', 'owner_name', 'address', 'usage', 'housing_type', 'registered_date'],
  nameColumn: 'owner_name',
});
