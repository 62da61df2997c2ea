import { status } from './columns.js';
import { defineKind } from './define.js';

/** 机动车登记 (CONTRACT.md §2). */
export const vehicleRecordsKind = defineKind({
  kind: 'vehicle_records',
  label: '机动车登记',
  versions: 'snapshot',
  reference: true,
  uploadRank: 1,
  columns: [
    { name: 'owner_id', label: '所有人证件号码', type: 'person_id' },
    { name: 'owner_name', label: '机动车所有人', type: 'name' },
    { name: 'plate', label: '号牌号码', type: 'code' },
    { name: 'vehicle_class', label: '车辆类型', type: 'label' },
    { name: 'registered_date', label: '初次登记日期', type: 'date' },
    status,
  ],
  required: [['owner_id'], ['owner_name'], ['vehicle_class', 'plate']],
  rowRequired: [['owner_id', 'owner_name']],
  evidence: ['owner_id', 'owner_name', 'plate', 'vehicle_class', 'registered_date', 'status'],
  nameColumn: 'owner_name',
});
