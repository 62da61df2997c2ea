import { householdNo, idNumber, personName, relation, status, township, village } from './columns.js';
import { defineKind } from './define.js';

/** 建档立卡贫困人口 (CONTRACT.md §2). */
export const povertyRegistryKind = defineKind({
  kind: 'poverty_registry',
  label: '建档立卡贫困人口',
  versions: 'snapshot',
  reference: false,
  uploadRank: 2,
  columns: [
    householdNo,
    idNumber,
    personName,
    relation,
    township,
    village,
    status,
    { name: 'identified_year', label: '识别年度', type: 'year' },
    { name: 'exit_year', label: '脱贫年度', type: 'year' },
  ],
  required: [['id_number'], ['name']],
  rowRequired: [['id_number', 'name']],
  evidence: ['household_no', 'id_number', 'name', 'relation', 'township', 'village', 'status', 'exit_year'],
  nameColumn: 'name',
});
