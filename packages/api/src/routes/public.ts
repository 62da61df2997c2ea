import { RULES } from '@jiandu/domain';
import { PROGRAMS } from '@jiandu/domain/programs';
import type { ApiDeps, RouteSpec } from './types.js';

/** Routes anyone may call. They never return personal data. */
export function publicRoutes(_deps: ApiDeps): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/health',
      access: 'public',
      summary: 'Liveness',
      handle: (c) => c.json({ status: 'ok' }),
    },
    {
      method: 'GET',
      path: '/api/v1/programs',
      access: 'public',
      summary: 'The subsidy program catalogue',
      handle: (c) =>
        c.json({ items: PROGRAMS.map(({ code, name, meansTested }) => ({ code, name, meansTested })) }),
    },
    {
      method: 'GET',
      path: '/api/v1/rules',
      access: 'public',
      summary: 'The lead rules and what they look for',
      handle: (c) =>
        c.json({
          items: RULES.map(({ code, key, title, description, reads }) => ({
            code,
            key,
            title,
            description,
            reads,
          })),
        }),
    },
  ];
}
