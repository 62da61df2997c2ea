import { address, householdNo, idNumber, personName, relation, township, village } from './columns.js';
import { defineKind } from './define.js';

/** 户籍人口 (CONTRACT.md §2). */
export const householdRegistryKind = defineKind({
  kind: 'household_registry',
  label: '户籍人口',
  versions: 'snapshot',
  reference: true,
  uploadRank: 1,
  columns: [
    idNumber,
    personName,
    { name: 'gender', label: '性别', type: 'gender' },
    { name: 'birth_date', label: '出生日期', type: 'date' },
    householdNo,
    relation,
    township,
    village,
    address,
  ],
  required: [['id_number'], ['name']],
  rowRequired: [['name'], ['id_number', 'village', 'household_no']],
  evidence: ['id_number', 'name', 'household_no', 'relation', 'township', 'village'],
  nameColumn: 'name',
});
