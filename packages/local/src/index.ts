/** The local platform: emulators, the locally interpreted workflow and the API on one machine. */
export * from './control.js';
export * from './demo.js';
export * from './dynamodb.js';
export * from './endpoint-file.js';
export * from './events.js';
export * from './executions.js';
export * from './functions-host.js';
export * from './issuer.js';
export * from './platform.js';
export * from './ports.js';
export * from './s3.js';
export * from './scheduler.js';
export * from './sfn-api.js';
export * from './workflow.js';
