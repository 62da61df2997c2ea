/**
 * The DynamoDB adapters of the storage ports, one module per aggregate under `dynamo/`; the
 * keys they write are designed in `keys.ts` alone. A new repository gets its own module there
 * and a line here (and a contract in `test/integration/store-contracts.test.ts`, run on its in-memory twin too).
 */
export { DynamoAuditLog } from './dynamo/audit.js';
export { UnprocessedBatchError } from './dynamo/batch.js';
export { DynamoColumnMappingRepository } from './dynamo/column-mappings.js';
export { DynamoCorrectionTaskRepository } from './dynamo/corrections.js';
export { DynamoDisclosureStore } from './dynamo/disclosure.js';
export { DynamoLatenessRepository } from './dynamo/lateness.js';
export { DynamoLeadRepository } from './dynamo/leads.js';
export { DynamoLeases } from './dynamo/leases.js';
export { DynamoPendingCollisions } from './dynamo/pending-collision.js';
export { DynamoReportRepository } from './dynamo/reports.js';
export { DynamoRunRepository } from './dynamo/runs.js';
export { DynamoVersionRepository } from './dynamo/versions.js';
