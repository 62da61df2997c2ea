/**
 * @jiandu/domain: pure domain logic of the platform (no AWS SDK): dataset kinds, the data
 * model, the program catalogue, rule configuration, lead rules, scoring, the lead
 * lifecycle and lead export.
 */
export * from './config.js';
export * from './config-errors.js';
export * from './export/leads-export.js';
export * from './kinds.js';
export * from './leads/lead-id.js';
export * from './leads/lifecycle.js';
export * from './leads/score.js';
export * from './model.js';
export * from './normalize/amount.js';
export * from './normalize/date.js';
export * from './normalize/division.js';
export * from './normalize/id.js';
export * from './normalize/name.js';
export * from './normalize/program.js';
export * from './ports.js';
export * from './programs.js';
export * from './rules/catalog.js';
export { formatYuan, paymentMonth } from './rules/common.js';
export * from './rules/reference.js';
export * from './rules/registry.js';
export * from './rules/types.js';
export * from './versions.js';
