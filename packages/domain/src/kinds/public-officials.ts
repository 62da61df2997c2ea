import { employer, idNumber, personName, township, village } from './columns.js';
import { defineKind } from './define.js';

/** 公职人员 (CONTRACT.md §2). */
export const publicOfficialsKind = defineKind({
  kind: 'public_officials',
  label: '公职人员',
  versions: 'snapshot',
  reference: true,
  uploadRank: 1,
  columns: [
    idNumber,
    personName,
    employer,
    { name: 'position', label: '职务', type: 'label' },
    { name: 'category', label: '人员类别', type: 'label' },
    township,
    village,
    { name: 'start_date', label: '任职开始日期', type: 'date' },
    { name: 'end_date', label: '任职结束日期', type: 'date' },
  ],
  required: [['id_number'], ['name']],
  rowRequired: [['id_number', 'name']],
  evidence: [
    'id_number',
    'name',
    'employer',
    'position',
    'category',
    'township',
    'village',
    'start_date',
    'end_date',
  ],
  nameColumn: 'name',
});
