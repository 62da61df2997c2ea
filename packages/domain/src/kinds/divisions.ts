import { defineKind } from './define.js';

/** 行政区划 (CONTRACT.md §2). */
export const divisionsKind = defineKind({
  kind: 'divisions',
  label: '行政区划',
  versions: 'snapshot',
  reference: false,
  uploadRank: 0,
  columns: [
    { name: 'code', label: '区划代码', type: 'division_code' },
    { name: 'name', label: '名称', type: 'text' },
    { name: 'level', label: '级别', type: 'division_level' },
    { name: 'parent_code', label: '上级区划代码', type: 'division_code' },
  ],
  required: [['code'], ['name']],
  rowRequired: [['code'], ['name']],
  nameColumn: 'name',
});
