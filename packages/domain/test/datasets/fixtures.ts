import type { DatasetKind } from '../../src/kinds.js';
import type { DatasetVersion } from '../../src/versions.js';

let counter = 0;

/** A dataset version as Normalize stores it, with what a test cares about overridden. */
export function version(overrides: Partial<DatasetVersion> & { kind?: DatasetKind } = {}): DatasetVersion {
  counter += 1;
  const id = `v-${counter.toString(16).padStart(24, '0')}`;
  return {
    versionId: id,
    department: 'civil-affairs',
    kind: 'subsidy_payments',
    fileName: `payments-${counter}.csv`,
    rawBucket: 'uploads',
    rawKey: `uploads/civil-affairs/subsidy_payments/payments-${counter}.csv`,
    fileHash: 'f'.repeat(64),
    size: 100,
    receivedAt: '2024-03-05T02:00:00Z',
    registeredAt: '2024-03-05T02:00:03.000Z',
    status: 'active',
    quality: {
      rowsRead: 100,
      accepted: 95,
      rejected: 5,
      rejectedByReason: { invalid_id: 5 },
      idsRepaired: 0,
      idsLost: 0,
      unknownPrograms: [],
      warnings: [],
    },
    shardRows: [95],
    coverage: [],
    history: [{ at: '2024-03-05T02:00:03.000Z', action: 'registered', by: 'civil-affairs' }],
    ...overrides,
  };
}
