import { createRuntime } from './runtimes/api.js';

/**
 * The API app, built from this process's environment (the Lambda entry and the local platform
 * serve it). Top-level await: the platform's keys are read once, before the first request.
 */
export const app = (await createRuntime(process.env)).app;
