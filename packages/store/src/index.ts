export * from './clients.js';
export * from './dynamo.js';
export * from './keys.js';
export * from './rate-limits.js';
export * from './s3.js';
export * from './secrets.js';
export * from './sfn.js';
export * from './table.js';
