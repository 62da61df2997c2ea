import { createApp, type RouteSpec, routeTable } from '@jiandu/api';
import { describe, expect, it } from 'vitest';
import { memoryApiDeps } from '../support/api.js';

const deps = memoryApiDeps({ authenticator: { authenticate: async () => undefined } });
const app = createApp(deps);
const table = routeTable(deps);

interface Operation {
  summary: string;
  tags: string[];
  security?: unknown[];
  'x-roles'?: string[];
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: {
    content: { 'application/json': { schema: { properties: Record<string, unknown>; required?: string[] } } };
  };
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

async function spec(): Promise<Document> {
  const response = await app.request('/api/v1/openapi.json');
  expect(response.status).toBe(200);
  return (await response.json()) as Document;
}

const specPath = (route: RouteSpec) => route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and public (no token)', async () => {
    expect((await spec()).openapi).toBe('3.1.0');
  });

  it('has an operation for every route of the route table, with its summary and access', async () => {
    const { paths } = await spec();
    const missing = table.filter((route) => !paths[specPath(route)]?.[route.method.toLowerCase()]);
    expect(missing.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const operations = Object.values(paths).flatMap((p) => Object.values(p));
    expect(operations).toHaveLength(table.length);
    for (const route of table) {
      const op = paths[specPath(route)]?.[route.method.toLowerCase()] as Operation;
      expect(op.summary).toBe(route.summary);
      if (route.access === 'public') expect(op.security).toEqual([]);
      else expect(op['x-roles']).toEqual(route.access);
      const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
      expect(op.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(pathParams);
    }
  });

  it('declares the zod schemas a handler validates with (a handler that parses a body or query must say so)', () => {
    const undeclared = table.flatMap((route) => {
      const source = route.handle.toString();
      // Matched as words: vitest's transform calls imports as `(0, m.parseBody)(…)`.
      const parsesBody = /\bparseBody\b/.test(source);
      const parsesQuery = /\bcallerQuery\b|\breq\.query\(/.test(source);
      return [
        ...(parsesBody && !route.request?.body ? [`${route.method} ${route.path}: body`] : []),
        ...(parsesQuery && !route.request?.query ? [`${route.method} ${route.path}: query`] : []),
      ];
    });
    expect(undeclared).toEqual([]);
  });

  it("describes a request body from the route's own zod schema", async () => {
    const { paths } = await spec();
    const filing = paths['/api/v1/public/reports']?.post?.requestBody?.content['application/json'].schema;
    expect(filing?.required).toEqual(expect.arrayContaining(['category', 'content', 'anonymous', 'proof']));
    expect(filing?.properties.category).toMatchObject({
      enum: ['subsidy', 'village_finance', 'project', 'conduct', 'other'],
    });
    const leads = paths['/api/v1/leads']?.get?.parameters.map((p) => p.name);
    expect(leads).toEqual(expect.arrayContaining(['rule', 'township', 'status']));
  });

  it('is browsable at /api/v1/docs: every route on one static page without script', async () => {
    const response = await app.request('/api/v1/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    const html = await response.text();
    expect(html).not.toMatch(/<script/i);
    for (const route of table) expect(html).toContain(`<code>${specPath(route)}</code>`);
  });
});
