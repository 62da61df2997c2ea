/**
 * Identity on the real local platform: demo users log in at the local issuer's `/token`,
 * and the API (the real `functions/api-app.ts`) verifies their ID tokens through the
 * issuer's JWKS, then enforces roles and jurisdiction on real leads and versions.
 */
import type { DemoUser, RemotePlatform } from '@jiandu/local';
import { generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEEDING_TIMEOUT_MS, seededPlatform } from '../support/seeded-platform.js';

interface LeadItem {
  leadId: string;
  township: string | null;
}
interface VersionItem {
  versionId: string;
  department: string;
}

describe('identity on the local platform', () => {
  let platform: RemotePlatform;
  let demoUsers: readonly DemoUser[];

  // The shared platform, seeded with the demo county (see seeded-platform.setup.ts).
  beforeAll(async () => {
    ({ platform, demoUsers } = await seededPlatform());
  }, SEEDING_TIMEOUT_MS);

  /** Log in like a user: username and password at the issuer's token endpoint. */
  async function login(username: string): Promise<string> {
    const user = demoUsers.find((u) => u.username === username);
    if (!user) throw new Error(`no demo user ${username}`);
    const response = await fetch(`${platform.issuerUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: user.password }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id_token: string; token_type: string };
    expect(body.token_type).toBe('Bearer');
    return body.id_token;
  }

  const get = (path: string, token?: string) =>
    fetch(`${platform.apiUrl}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  async function allLeads(token: string): Promise<LeadItem[]> {
    const response = await get('/api/v1/leads?limit=500&minScore=0', token);
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: LeadItem[] }).items;
  }

  it('lets the demo inspector log in and list leads', async () => {
    const token = await login('inspector');
    const leads = await allLeads(token);
    expect(leads.length).toBeGreaterThan(0);
  });

  it('refuses anonymous calls, wrong passwords and tokens signed by anyone else', async () => {
    const anonymous = await get('/api/v1/leads');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');

    const wrong = await fetch(`${platform.issuerUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'inspector', password: 'not-the-password' }),
    });
    expect(wrong.status).toBe(401);

    // Same issuer, audience and claims, but not the issuer's key.
    const { privateKey } = await generateKeyPair('ES256');
    const jwks = (await (await fetch(`${platform.issuerUrl}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    const forged = await new SignJWT({ token_use: 'id', 'cognito:groups': ['admin'] })
      .setProtectedHeader({ alg: 'ES256', kid: jwks.keys[0]?.kid ?? '' })
      .setIssuer(platform.issuerUrl)
      .setAudience('jiandu-local')
      .setSubject('local-admin')
      .setExpirationTime('10m')
      .sign(privateKey);
    expect((await get('/api/v1/leads', forged)).status).toBe(401);
  });

  it("shows a township officer only their township's leads, and other townships' leads as missing", async () => {
    const everything = await allLeads(await login('inspector'));
    const elsewhere = everything.filter((l) => l.township !== '青山镇');
    const qingshanLeads = everything.filter((l) => l.township === '青山镇');
    // The demo county has leads on both sides, or this test would prove nothing.
    expect(elsewhere.length).toBeGreaterThan(0);
    expect(qingshanLeads.length).toBeGreaterThan(0);

    const officer = await login('qingshan');
    const mine = await allLeads(officer);
    expect(mine.map((l) => l.leadId).sort()).toEqual(qingshanLeads.map((l) => l.leadId).sort());

    const foreign = await get(`/api/v1/leads/${elsewhere[0]?.leadId}`, officer);
    expect(foreign.status).toBe(404);
    const own = await get(`/api/v1/leads/${qingshanLeads[0]?.leadId}`, officer);
    expect(own.status).toBe(200);
    const asked = await get(`/api/v1/leads?township=${encodeURIComponent('石门乡')}`, officer);
    expect(asked.status).toBe(403);
  });

  it("gives a department uploader 403 on leads and only their department's versions", async () => {
    const uploader = await login('civil-affairs');
    expect((await get('/api/v1/leads', uploader)).status).toBe(403);

    const all = (await (await get('/api/v1/versions', await login('inspector'))).json()) as {
      items: VersionItem[];
    };
    expect(new Set(all.items.map((v) => v.department)).size).toBeGreaterThan(1);
    const response = await get('/api/v1/versions', uploader);
    expect(response.status).toBe(200);
    const own = ((await response.json()) as { items: VersionItem[] }).items;
    expect(own.length).toBeGreaterThan(0);
    expect(new Set(own.map((v) => v.department))).toEqual(new Set(['civil-affairs']));
    const foreign = all.items.find((v) => v.department !== 'civil-affairs');
    expect((await get(`/api/v1/versions/${foreign?.versionId}`, uploader)).status).toBe(404);
  });

  it('keeps the printed inspector token and tokenFor working', async () => {
    expect((await get('/api/v1/leads', platform.inspectorToken ?? '')).status).toBe(200);
    expect((await get('/api/v1/runs', await platform.tokenFor('admin'))).status).toBe(200);
    expect((await get('/api/v1/runs', await platform.tokenFor('supervisor'))).status).toBe(403);
  });
});
