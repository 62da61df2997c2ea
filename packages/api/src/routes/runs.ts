import type { ApiDeps, RouteSpec } from './types.js';
import { INSPECTORS } from './types.js';

/** Collision runs and their figures. */
export function runRoutes(deps: ApiDeps): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/runs',
      access: INSPECTORS,
      summary: 'Recent collision runs and their figures',
      handle: async (c) => c.json({ items: await deps.runs.list(50) }),
    },
  ];
}
