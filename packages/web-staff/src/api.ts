/**
 * The one client of the staff API. Paths and response types come from the server: the route
 * table (`generated/server.ts`) and the view functions' return types (type-only imports).
 */

import type { assistedReportView, reportDetail, reportSummary } from '@jiandu/api/report-views';
import type { leadDetail, leadSummary, leadWorkflowView } from '@jiandu/api/views';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { currentSession } from './auth';
import { ROUTE_ACCESS } from './generated/server';

export type LeadSummary = ReturnType<typeof leadSummary>;
export type LeadDetail = ReturnType<typeof leadDetail>;
export type LeadWorkflow = ReturnType<typeof leadWorkflowView> & { correctionTasks?: string[] };
export type ReportSummary = ReturnType<typeof reportSummary>;
export type ReportDetail = ReturnType<typeof reportDetail>;
export type AssistedReport = ReturnType<typeof assistedReportView>;
export type Version = DatasetVersion & { kindLabel: string; links: { self: string; rejects: string | null } };

/** A private route as the route table names it. */
export type Route = keyof typeof ROUTE_ACCESS;

/** Whether the signed-in roles may call a route (navigation and buttons; the API enforces). */
export function allowed(route: Route): boolean {
  const roles = currentSession()?.roles ?? [];
  return (ROUTE_ACCESS[route] as readonly string[]).some((r) => roles.includes(r));
}

/** An error answer of the API: its status, code and Chinese message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Called when the token is gone or refused: the app shows the login again. */
let onUnauthenticated: () => void = () => {};
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

/** Call the API with the session's ID token; JSON in and out, errors as {@link ApiError}. */
export async function request(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<Response> {
  const token = currentSession()?.idToken;
  if (!token) {
    onUnauthenticated();
    throw new ApiError(401, 'unauthenticated', '登录已过期，请重新登录');
  }
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  if (res.status === 401) onUnauthenticated();
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as {
      error?: { code?: string; message?: string };
    } | null;
    throw new ApiError(
      res.status,
      body?.error?.code ?? 'error',
      body?.error?.message ?? `请求失败（${res.status}）`,
    );
  }
  return res;
}

/** GET a JSON answer. */
export async function get<T>(path: string): Promise<T> {
  return (await (await request(path)).json()) as T;
}

/** POST a JSON body, read the JSON answer. */
export async function post<T>(path: string, body: unknown): Promise<T> {
  return (await (await request(path, { method: 'POST', body })).json()) as T;
}

/** A query string of the non-empty values. */
export function query(values: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Download an API answer as a file (exports, rejected rows): the browser saves it under its name. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await request(path);
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const plain = /filename="([^"]+)"/i.exec(disposition)?.[1];
  const name = star ? decodeURIComponent(star) : (plain ?? fallbackName);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
