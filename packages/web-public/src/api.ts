/** The page's calls to the public API (same host, under `/api/v1/public/`). */
import type { ApiError, Division, Page } from './types.js';

/** A failed call, with the Chinese message to show. */
export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const OFFLINE = '网络不通，请检查手机网络后再试一次。';

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1/public/${path}`, {
      ...init,
      headers: { Accept: 'application/json', ...(init?.body ? { 'Content-Type': 'application/json' } : {}) },
    });
  } catch {
    throw new ApiCallError(OFFLINE, 0);
  }
  const body = (await response.json().catch(() => undefined)) as T | ApiError | undefined;
  if (response.ok && body !== undefined) return body as T;
  const message = (body as ApiError | undefined)?.error?.message;
  throw new ApiCallError(message ?? `服务暂时不可用（${response.status}），请稍后再试。`, response.status);
}

/** GET a public route with the query's non-empty values. */
export function get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value));
  const search = params.toString();
  return call<T>(search ? `${path}?${search}` : path);
}

/** POST a JSON body to a public route (personal data only ever travels in a body). */
export function post<T>(path: string, body: unknown): Promise<T> {
  return call<T>(path, { method: 'POST', body: JSON.stringify(body) });
}

let divisionsOnce: Promise<readonly Division[]> | undefined;
/** The county's townships and villages (loaded once per visit; the list is small). */
export function divisions(): Promise<readonly Division[]> {
  divisionsOnce ??= get<Page<Division>>('divisions').then((d) => d.items);
  divisionsOnce.catch(() => {
    divisionsOnce = undefined;
  });
  return divisionsOnce;
}
