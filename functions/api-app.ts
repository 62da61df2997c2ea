import { createRuntime } from './runtimes/api.js';

/** The API app, built from this process's environment (the Lambda entry and the local platform serve it). */
export const app = createRuntime(process.env).app;
