/**
 * In-memory twins of the storage adapters, one module per aggregate under `memory/`. Fast
 * tests use them; the contract suite (`test/integration/store-contracts.test.ts`) holds them to the same observable
 * behaviour as the DynamoDB adapters. The deployed platform never uses them.
 */
export { MemoryAuditLog } from './memory/audit.js';
export { MemoryColumnMappings } from './memory/column-mappings.js';
export { MemoryCorrectionTasks } from './memory/corrections.js';
export { MemoryDisclosureStore } from './memory/disclosure.js';
export { MemoryWorkflowExecutions } from './memory/executions.js';
export { MemoryLateness } from './memory/lateness.js';
export { MemoryLeads } from './memory/leads.js';
export { MemoryLeases } from './memory/leases.js';
export { MemoryObjects, MemoryUploadSigner } from './memory/objects.js';
export { MemoryPendingCollisions } from './memory/pending-collision.js';
export { MemoryReports } from './memory/reports.js';
export { MemoryRuns } from './memory/runs.js';
export { MemoryVersions } from './memory/versions.js';
