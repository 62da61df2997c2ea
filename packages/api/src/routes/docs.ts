import { createHash } from 'node:crypto';
import { openApiDocument } from '../openapi.js';
import type { RouteSpec } from './types.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a}' +
  'section{border-top:1px solid #ccc;padding:.5rem 0}code,pre{font-family:ui-monospace,monospace}' +
  'pre{background:#f4f4f4;padding:.5rem;overflow:auto;font-size:14px}.m{font-weight:700;color:#0b57a4}';
/** The page's only style, allowed by its hash: the page runs no script at all. */
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

type Operation = {
  summary: string;
  tags: string[];
  'x-roles'?: readonly string[];
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: { 'application/json': { schema: unknown } } };
};

/** The OpenAPI document as one static HTML page (no CDN, no script). */
function docsPage(document: { paths: Record<string, Record<string, Operation>> }): string {
  const sections = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => {
      const who = op['x-roles'] ? `角色：${op['x-roles'].join('、')}` : '公开：无需账号';
      const params = op.parameters.map(
        (p) => `<li><code>${escapeHtml(p.name)}</code>（${p.in}${p.required ? '，必填' : ''}）</li>`,
      );
      const body = op.requestBody
        ? `<p>请求体（JSON）：</p><pre>${escapeHtml(JSON.stringify(op.requestBody.content['application/json'].schema, null, 2))}</pre>`
        : '';
      return (
        `<section id="${escapeHtml(`${method}-${path}`)}"><h3><span class="m">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>` +
        `<p>${escapeHtml(op.summary)}</p><p>${escapeHtml(who)}</p>${params.length ? `<ul>${params.join('')}</ul>` : ''}${body}</section>`
      );
    }),
  );
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>jiandu 监督 API 文档</title><style>${STYLE}</style></head><body><main><h1>jiandu 监督 API</h1>` +
    `<p>机器可读的说明：<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>（OpenAPI 3.1）。金额单位为元。</p>` +
    `${sections.join('')}</main></body></html>`
  );
}

/**
 * The API describing itself: the OpenAPI 3.1 document of `table` (the whole route table,
 * these two routes included) and a browsable page of it.
 */
export function docsRoutes(table: () => readonly RouteSpec[]): RouteSpec[] {
  let document: ReturnType<typeof openApiDocument> | undefined;
  const spec = () => {
    document ??= openApiDocument(table());
    return document;
  };
  return [
    {
      method: 'GET',
      path: '/api/v1/openapi.json',
      access: 'public',
      summary: 'This API as an OpenAPI 3.1 document, generated from the route table and its zod schemas',
      handle: (c) => c.json(spec()),
    },
    {
      method: 'GET',
      path: '/api/v1/docs',
      access: 'public',
      summary: 'The OpenAPI document as a browsable page (static HTML, no script)',
      handle: (c) => {
        c.header('Content-Security-Policy', `default-src 'none'; style-src 'sha256-${STYLE_HASH}'`);
        return c.html(docsPage(spec() as unknown as Parameters<typeof docsPage>[0]));
      },
    },
  ];
}
