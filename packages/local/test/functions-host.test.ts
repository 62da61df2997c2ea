import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type FunctionHost, startFunctionHost } from '../src/functions-host.js';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));
const ENTRY = 'fixtures/env-function.ts';

describe('function host', () => {
  const environment = { ...process.env };
  const hosts: FunctionHost[] = [];
  const host = (table: string): FunctionHost => {
    const started = startFunctionHost({ repoRoot, env: { TABLE_NAME: table } });
    hosts.push(started);
    return started;
  };

  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.stop()));
  });

  it("gives each host's functions exactly its environment, and leaves this process's alone", async () => {
    const [a, b] = [host('table-a'), host('table-b')];
    await expect(a.invoke(ENTRY, 'jiandu-A', {})).resolves.toEqual({
      table: 'table-a',
      path: null, // nothing of the platform's own environment leaks in
      function: 'jiandu-A',
    });
    await expect(b.invoke(ENTRY, 'jiandu-B', {})).resolves.toMatchObject({ table: 'table-b' });
    expect(process.env).toEqual(environment);
  });

  it('fails an invocation with the error name and message the function threw', async () => {
    const a = host('t');
    await expect(a.invoke(ENTRY, 'jiandu-A', { fail: 'FileRejected' })).rejects.toMatchObject({
      name: 'FileRejected',
      message: '失败：FileRejected',
    });
    await expect(a.invoke('fixtures/missing.ts', 'jiandu-A', {})).rejects.toThrow(/missing/);
  });

  it('serves an app export on a free port with its own environment, until stopped', async () => {
    const a = host('served-table');
    const port = await a.serve(ENTRY, 0);
    const response = await fetch(`http://127.0.0.1:${port}/table`);
    expect(await response.json()).toEqual({ table: 'served-table' });
    await a.stop();
    await expect(fetch(`http://127.0.0.1:${port}/table`)).rejects.toThrow();
    await expect(a.invoke(ENTRY, 'jiandu-A', {})).rejects.toThrow(/worker exited/);
  });
});
