export * from './clients.js';
export * from './dynamo.js';
export * from './keys.js';
export * from './paging.js';
export * from './s3.js';
export * from './sfn.js';
export * from './table.js';
