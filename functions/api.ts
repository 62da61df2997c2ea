import { handle } from 'hono/aws-lambda';
import { app } from './api-app.js';

/** API Gateway HTTP API (payload v2) → the hono app. */
export const handler = handle(app);
