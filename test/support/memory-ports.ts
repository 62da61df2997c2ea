/**
 * The API's dependencies over the in-memory storage ports of `@jiandu/store/memory` (for fast
 * tests; the running product always uses DynamoDB/S3 or their local emulators).
 */
import type { DatasetApiDeps } from '@jiandu/api/routes/datasets';
import type { DisclosureApiDeps } from '@jiandu/api/routes/disclosure';
import type { WorkflowApiDeps } from '@jiandu/api/routes/leads';
import type { ReportApiDeps } from '@jiandu/api/routes/reports';
import { DEFAULT_CADENCE_CONFIG } from '@jiandu/domain/datasets/cadence';
import { DEFAULT_DISCLOSURE_CONFIG } from '@jiandu/domain/disclosure/config';
import type { StaffMember } from '@jiandu/domain/leads/assignees';
import { DEFAULT_REPORT_DEADLINES } from '@jiandu/domain/reports/config';
import {
  MemoryAuditLog,
  MemoryColumnMappings,
  MemoryCorrectionTasks,
  MemoryDisclosureStore,
  MemoryLateness,
  MemoryObjects,
  MemoryReports,
  MemoryUploadSigner,
} from '@jiandu/store/memory';
import { StaticStaffDirectory } from '@jiandu/store/staff';
import { MemoryRateLimits, TEST_KEYS, TEST_POW_BITS } from './trust.js';

export {
  MemoryAuditLog,
  MemoryColumnMappings,
  MemoryCorrectionTasks,
  MemoryDisclosureStore,
  MemoryLateness,
  MemoryLeads,
  MemoryObjects,
  MemoryReports,
  MemoryRuns,
  MemoryUploadSigner,
  MemoryVersions,
} from '@jiandu/store/memory';

/**
 * The department-data dependencies of the API over in-memory ports (default cadences,
 * system clock unless `now` is given).
 */
export function memoryDatasetDeps(overrides: Partial<DatasetApiDeps> = {}): DatasetApiDeps {
  return {
    objects: new MemoryObjects(),
    buckets: { upload: 'uploads-bucket', data: 'data-bucket' },
    uploadUrls: new MemoryUploadSigner(),
    lateness: new MemoryLateness(),
    cadence: DEFAULT_CADENCE_CONFIG,
    columnMappings: new MemoryColumnMappings(),
    ...overrides,
  };
}

/** Staff accounts of the API tests: inspectors by the subjects tests assign to, and two township officers. */
export const TEST_STAFF: readonly StaffMember[] = [
  ...['u-a', 'u-inspector', 'u-inspector2', 'u-z', 'u-zhang', 'u-li'].map((username) => ({
    username,
    name: `检查员${username}`,
    roles: ['inspector'],
  })),
  { username: 'u-admin', name: '管理员', roles: ['admin'] },
  { username: 'u-qingshan', name: '王镇', roles: ['township_officer'], township: '青山镇' },
  { username: 'u-shimen', name: '石门乡纪委', roles: ['township_officer'], township: '石门乡' },
];

/**
 * The API's lead-workflow dependencies over in-memory ports (a fresh audit log and
 * correction-task store, the default score threshold unless overridden).
 */
export function memoryWorkflowDeps(
  overrides: Partial<WorkflowApiDeps> = {},
): WorkflowApiDeps & { audit: MemoryAuditLog; corrections: MemoryCorrectionTasks } {
  return {
    audit: new MemoryAuditLog(),
    corrections: new MemoryCorrectionTasks(),
    auditKey: TEST_KEYS.audit,
    staff: new StaticStaffDirectory(TEST_STAFF),
    ...overrides,
  } as WorkflowApiDeps & { audit: MemoryAuditLog; corrections: MemoryCorrectionTasks };
}

/** The API's report dependencies over in-memory ports (default deadlines, no divisions unless given). */
export function memoryReportDeps(
  overrides: Partial<ReportApiDeps> = {},
): ReportApiDeps & { repository: MemoryReports } {
  return {
    repository: new MemoryReports(),
    deadlines: DEFAULT_REPORT_DEADLINES,
    keys: TEST_KEYS,
    limits: new MemoryRateLimits(),
    powDifficulty: TEST_POW_BITS,
    ...overrides,
  } as ReportApiDeps & { repository: MemoryReports };
}

/** The public disclosure dependencies over in-memory projections (everything published unless given). */
export function memoryDisclosureDeps(
  overrides: Partial<DisclosureApiDeps> = {},
): DisclosureApiDeps & { store: MemoryDisclosureStore } {
  return {
    store: new MemoryDisclosureStore(),
    config: DEFAULT_DISCLOSURE_CONFIG,
    keys: TEST_KEYS,
    limits: new MemoryRateLimits(),
    ...overrides,
  } as DisclosureApiDeps & { store: MemoryDisclosureStore };
}
