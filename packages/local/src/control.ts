/**
 * The local platform's control routes (`/_local/…` on its Step Functions API port), so that a
 * process other than the one running the platform — a test file sharing one seeded platform,
 * a script — can do what {@link Platform}'s methods do: wait until it is idle, run a
 * scheduled job, list executions, mint a demo user's token. Local only: 127.0.0.1, like the
 * endpoint file that names the port.
 */
import { Hono } from 'hono';
import type { PlatformEndpoints } from './endpoint-file.js';
import type { ExecutionRecord } from './executions.js';

/** What the control routes act on: the running platform's own methods. */
export interface PlatformControl {
  waitForIdle(timeoutMs?: number): Promise<void>;
  executions(): ExecutionRecord[];
  runJob(name: string): Promise<unknown>;
  tokenFor(username: string): Promise<string>;
}

/** The control routes over `control` (mounted under `/_local`). */
export function controlApi(control: () => PlatformControl | undefined): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    if (!control()) return c.json({ error: '平台尚未启动完成' }, 503);
    await next();
  });
  app.post('/idle', async (c) => {
    const timeoutMs = Number(c.req.query('timeoutMs') ?? 120_000);
    try {
      await control()?.waitForIdle(timeoutMs);
      return c.body(null, 204);
    } catch (error) {
      return c.json({ error: error instanceof Error ? error.message : String(error) }, 504);
    }
  });
  app.get('/executions', (c) => c.json(control()?.executions() ?? []));
  app.post('/jobs/:name', async (c) => c.json((await control()?.runJob(c.req.param('name'))) ?? null));
  app.post('/tokens/:username', async (c) => {
    try {
      return c.json({ token: await control()?.tokenFor(c.req.param('username')) });
    } catch (error) {
      return c.json({ error: error instanceof Error ? error.message : String(error) }, 404);
    }
  });
  return app;
}

/** A running platform reached from another process: its endpoints and its control routes. */
export interface RemotePlatform extends PlatformEndpoints {
  /** Resolve once the platform is idle (see `Platform.waitForIdle`). */
  waitForIdle(timeoutMs?: number): Promise<void>;
  /** Every execution so far, oldest first. */
  executions(): Promise<ExecutionRecord[]>;
  /** Run a scheduled job now; resolves with its result. */
  runJob(name: string): Promise<unknown>;
  /** A fresh bearer token (one hour) for a demo user. */
  tokenFor(username: string): Promise<string>;
}

/** Reach the platform `endpoints` (its endpoint file's content) describe. */
export function connectPlatform(endpoints: PlatformEndpoints): RemotePlatform {
  const call = async (method: 'GET' | 'POST', path: string): Promise<Response> => {
    const response = await fetch(`${endpoints.sfnEndpoint}/_local${path}`, { method });
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      throw new Error(body.error ?? `${method} /_local${path}: HTTP ${response.status}`);
    }
    return response;
  };
  return {
    ...endpoints,
    waitForIdle: async (timeoutMs = 120_000) => {
      // In slices: one HTTP request must not outlive the client's own header timeout.
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const slice = Math.max(1, Math.min(60_000, deadline - Date.now()));
        try {
          await call('POST', `/idle?timeoutMs=${slice}`);
          return;
        } catch (error) {
          if (Date.now() >= deadline) throw error;
          await new Promise((r) => setTimeout(r, 100)); // no hot loop on a quick refusal
        }
      }
    },
    executions: async () => (await (await call('GET', '/executions')).json()) as ExecutionRecord[],
    runJob: async (name) => (await call('POST', `/jobs/${encodeURIComponent(name)}`)).json(),
    tokenFor: async (username) =>
      ((await (await call('POST', `/tokens/${encodeURIComponent(username)}`)).json()) as { token: string })
        .token,
  };
}
