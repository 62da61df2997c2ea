/**
 * The few API calls the command line makes, with the bearer token, turning error
 * responses into messages a staff member can act on.
 */
import * as z from 'zod';

/** The API answered with an error (or not at all). */
export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const Quality = z.object({
  rowsRead: z.number(),
  accepted: z.number(),
  rejected: z.number(),
  rejectedByReason: z.record(z.string(), z.number()),
  idsRepaired: z.number(),
  idsLost: z.number(),
  unknownPrograms: z.array(z.string()),
  warnings: z.array(z.string()).default([]),
});

/** The part of a dataset version the command line reports (the API may send more). */
export const VersionView = z.object({
  versionId: z.string(),
  department: z.string(),
  kind: z.string(),
  fileName: z.string(),
  fileHash: z.string(),
  rawKey: z.string().optional(),
  status: z.string(),
  statusReason: z.string().optional(),
  quality: Quality.optional(),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      expected: z.array(z.string()).optional(),
      found: z.array(z.string()).optional(),
    })
    .optional(),
});
export type VersionView = z.infer<typeof VersionView>;

const VersionPage = z.object({ items: z.array(VersionView), cursor: z.string().nullish() });

/** A client of the jiandu HTTP API. */
export class ApiClient {
  readonly #baseUrl: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;

  constructor(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
    this.#token = token;
    this.#fetch = fetchImpl;
  }

  /** GET a path; non-2xx answers become an {@link ApiError} with the API's own message. */
  async get(path: string, query: Record<string, string | undefined> = {}): Promise<Response> {
    const url = new URL(`${this.#baseUrl}${path}`);
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(name, value);
    let res: Response;
    try {
      res = await this.#fetch(url, { headers: { authorization: `Bearer ${this.#token}` } });
    } catch (error) {
      throw new ApiError(
        0,
        `无法连接 API ${this.#baseUrl}：${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (res.ok) return res;
    const text = await res.text();
    let detail = text.slice(0, 300);
    try {
      const body = ErrorBody.safeParse(JSON.parse(text));
      if (body.success) detail = `${body.data.error.code}: ${body.data.error.message}`;
    } catch {
      // not JSON: keep the text
    }
    const hint =
      res.status === 401
        ? '（令牌无效或已过期：用 --token 或环境变量 JIANDU_TOKEN 提供有效令牌）'
        : res.status === 403
          ? '（当前令牌无权访问）'
          : '';
    throw new ApiError(res.status, `API ${path} 返回 ${res.status}${hint}：${detail}`);
  }

  /** Every version of one department's dataset (all pages). */
  async versions(department: string, kind: string): Promise<VersionView[]> {
    const items: VersionView[] = [];
    let cursor: string | undefined;
    do {
      const res = await this.get('/api/v1/versions', { department, kind, ...(cursor ? { cursor } : {}) });
      const page = VersionPage.safeParse(await res.json());
      if (!page.success)
        throw new ApiError(res.status, `API /api/v1/versions 的响应无法识别：${page.error.message}`);
      items.push(...page.data.items);
      cursor = page.data.cursor ?? undefined;
    } while (cursor);
    return items;
  }
}
