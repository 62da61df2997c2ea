import { DATASET_KINDS } from '@jiandu/domain/kinds';
import { z } from 'zod';
import { type ApiDeps, INSPECTORS, parse, type RouteSpec } from './types.js';

const VersionQuery = z.object({ department: z.string().min(1).max(64), kind: z.enum(DATASET_KINDS) });

/** Dataset versions: what departments uploaded and how it went. */
export function datasetRoutes(deps: ApiDeps): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/versions',
      access: INSPECTORS,
      summary: "A department's versions of one dataset kind, with quality reports",
      handle: async (c) => {
        const q = parse(VersionQuery, c.req.query(), 'query');
        return c.json({ items: await deps.versions.listOfDataset(q.department, q.kind) });
      },
    },
  ];
}
