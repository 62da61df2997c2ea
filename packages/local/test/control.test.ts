import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPlatform, controlApi, type PlatformControl } from '../src/control.js';
import type { PlatformEndpoints } from '../src/endpoint-file.js';

describe('local control routes', () => {
  let server: Server;
  let endpoints: PlatformEndpoints;
  let control: PlatformControl | undefined;
  let idleCalls: number[] = [];
  let busyUntil = 0;

  beforeAll(async () => {
    const app = new Hono().route(
      '/_local',
      controlApi(() => control),
    );
    const port = await new Promise<number>((done) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        done(info.port),
      ) as Server;
    });
    const url = `http://127.0.0.1:${port}`;
    endpoints = {
      apiUrl: url,
      issuerUrl: url,
      dynamodbEndpoint: url,
      tableName: 'jiandu',
      s3Endpoint: url,
      sfnEndpoint: url,
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:jiandu-collision',
      region: 'us-east-1',
      buckets: { upload: 'u', data: 'd' },
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      pid: process.pid,
    };
  });

  afterAll(() => {
    server?.close();
  });

  it('answers 503 until the platform is complete', async () => {
    await expect(connectPlatform(endpoints).tokenFor('admin')).rejects.toThrow('平台尚未启动完成');
  });

  it("does what the platform's own methods do, from another process's point of view", async () => {
    control = {
      waitForIdle: async (timeoutMs = 0) => {
        idleCalls.push(timeoutMs);
        if (Date.now() < busyUntil) throw new Error(`Platform not idle after ${timeoutMs} ms`);
      },
      executions: () => [],
      runJob: async (name) => ({ job: name, flagged: 0 }),
      tokenFor: async (username) => {
        if (username !== 'admin') throw new Error(`No demo user '${username}'`);
        return 'token-of-admin';
      },
    };
    const remote = connectPlatform(endpoints);
    await expect(remote.tokenFor('admin')).resolves.toBe('token-of-admin');
    await expect(remote.tokenFor('nobody')).rejects.toThrow("No demo user 'nobody'");
    await expect(remote.runJob('OverdueLeads')).resolves.toEqual({ job: 'OverdueLeads', flagged: 0 });
    await expect(remote.executions()).resolves.toEqual([]);
    await expect(remote.waitForIdle(5_000)).resolves.toBeUndefined();
  });

  it('waits for idle in slices until its own deadline, then reports why', async () => {
    idleCalls = [];
    busyUntil = Date.now() + 60_000;
    await expect(connectPlatform(endpoints).waitForIdle(300)).rejects.toThrow(/not idle/);
    expect(idleCalls.length).toBeGreaterThan(1);
    expect(idleCalls.every((slice) => slice <= 300)).toBe(true);
  });
});
