/**
 * The OpenAPI 3.1 document of the API, generated from the route table (every route, its
 * access and summary) and the zod schemas that validate its requests (`RouteSpec.request`),
 * so the document can't drift from what the API accepts. Served at `/api/v1/openapi.json`,
 * rendered for people at `/api/v1/docs`.
 */
import * as z from 'zod';
import type { RouteSpec } from './routes/types.js';

/** A JSON Schema (2020-12, OpenAPI 3.1's dialect). */
type Schema = Record<string, unknown>;

/** JSON Schema of the input side of a zod schema (what a caller sends). */
function inputSchema(schema: z.ZodType): Schema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Schema;
  return json;
}

/** `/api/v1/leads/:leadId` → `/api/v1/leads/{leadId}` and its path parameter names. */
function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

function queryParameters(schema: z.ZodType): Schema[] {
  const json = inputSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, Schema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

const ERROR_RESPONSE = { $ref: '#/components/responses/Error' };

function operation(route: RouteSpec, params: readonly string[]): Schema {
  const isPublic = route.access === 'public';
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ?? '').toUpperCase())}`,
    summary: route.summary,
    tags: [isPublic ? 'public' : 'staff'],
    ...(isPublic ? { security: [] } : { 'x-roles': route.access }),
    parameters: [
      ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...(route.request?.query ? queryParameters(route.request.query) : []),
    ],
    ...(route.request?.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: inputSchema(route.request.body) } },
          },
        }
      : {}),
    responses: {
      '200': { description: '成功（JSON）' },
      '400': ERROR_RESPONSE,
      ...(isPublic ? {} : { '401': ERROR_RESPONSE, '403': ERROR_RESPONSE }),
      ...(params.length > 0 ? { '404': ERROR_RESPONSE } : {}),
      '429': ERROR_RESPONSE,
    },
  };
}

/** The OpenAPI 3.1 document of `routes`. */
export function openApiDocument(routes: readonly RouteSpec[]): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of routes) {
    const { path, params } = openApiPath(route.path);
    paths[path] ??= {};
    (paths[path] as Record<string, Schema>)[route.method.toLowerCase()] = operation(route, params);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'jiandu 监督 API',
      version: '1',
      description:
        'Public routes (`/api/v1/public/…`) need no account and never return personal data; staff routes take a Cognito (or local issuer) ID token. Money is in 元.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'public', description: '公开接口：无需账号' },
      { name: 'staff', description: '工作人员接口：需要 ID token，`x-roles` 列出可调用的角色' },
    ],
    paths,
    components: {
      securitySchemes: { idToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      responses: {
        Error: {
          description: '错误：代码和告诉调用者怎么做的中文说明',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['error'],
                properties: {
                  error: {
                    type: 'object',
                    required: ['code', 'message'],
                    properties: {
                      code: { type: 'string' },
                      message: { type: 'string' },
                      details: { type: 'object' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    security: [{ idToken: [] }],
  };
}
