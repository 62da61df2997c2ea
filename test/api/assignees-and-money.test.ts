/**
 * Issue 12's API fixes the dashboard relies on, through `app.request()`: an assignee must be a
 * real user or the office of the lead's township, and every amount the API answers is in 元,
 * evidence rows included.
 */
import { createApp, type Principal } from '@jiandu/api';
import type { Lead } from '@jiandu/domain/model';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryApiDeps, principalsAuthenticator } from '../support/api.js';
import { sampleLead } from '../support/leads.js';
import { MemoryLeads } from '../support/memory-ports.js';

const PRINCIPALS: Record<string, Principal> = {
  inspector: { subject: 'u-inspector', roles: ['inspector'] },
  qingshan: { subject: 'u-qingshan', roles: ['township_officer'], township: '青山镇' },
};
const LEAD = 'R01-assignees0000000000';

let leads: MemoryLeads;
let app: ReturnType<typeof createApp>;
beforeEach(async () => {
  leads = new MemoryLeads();
  await leads.put(
    sampleLead({
      leadId: LEAD,
      idNumber: '431199198001011233',
      deathVersionId: 'v-d',
      paymentVersionId: 'v-p',
    }),
    0,
  );
  app = createApp(
    memoryApiDeps({
      leads,
      authenticator: principalsAuthenticator(PRINCIPALS),
      now: () => '2024-03-01T02:00:00.000Z',
    }),
  );
});

const assign = (kind: string, assignee: string) =>
  app.request(`/api/v1/leads/${LEAD}/assign`, {
    method: 'POST',
    headers: { authorization: 'Bearer inspector', 'content-type': 'application/json' },
    body: JSON.stringify({ kind, assignee, deadline: '2024-03-20', expectedRevision: 1 }),
  });

async function refusal(res: Response): Promise<{ message: string; details: unknown }> {
  expect(res.status).toBe(400);
  return ((await res.json()) as { error: { message: string; details: unknown } }).error;
}

describe('assigning a lead', () => {
  it.each([
    [
      'township_office',
      '火星镇',
      '承办人（assignee）：「火星镇」不是这条线索所属乡镇（青山镇）的纪委，只能指派给青山镇纪委',
    ],
    [
      'township_office',
      '石门乡',
      '承办人（assignee）：「石门乡」不是这条线索所属乡镇（青山镇）的纪委，只能指派给青山镇纪委',
    ],
    ['person', '火星镇', '承办人（assignee）：「火星镇」不是本平台的用户，请从可指派的人员中选择（用户名）'],
    [
      'person',
      'u-shimen',
      '承办人（assignee）：石门乡纪委（u-shimen）不负责青山镇的线索，请指派给县纪委监委检查员或青山镇的纪委人员',
    ],
  ])(
    'refuses %s %s with a Chinese 400 naming the field, and changes nothing',
    async (kind, assignee, message) => {
      const error = await refusal(await assign(kind, assignee));
      expect(error.message).toBe(message);
      expect(error.details).toEqual({ field: 'assignee' });
      expect((await leads.get(LEAD))?.status).toBe('new');
    },
  );

  it.each([
    ['township_office', '青山镇', '青山镇'],
    ['township_office', '青山镇纪委', '青山镇'],
    ['person', 'u-qingshan', 'u-qingshan'],
    ['person', 'u-zhang', 'u-zhang'],
  ])('accepts %s %s (recorded as %s)', async (kind, assignee, recorded) => {
    const res = await assign(kind, assignee);
    expect(res.status).toBe(200);
    expect(((await leads.get(LEAD)) as Lead).assignment).toMatchObject({ kind, assignee: recorded });
  });

  it('lists who may be assigned: the township office and the staff who can work the lead', async () => {
    const res = await app.request(`/api/v1/leads/${LEAD}/assignees`, {
      headers: { authorization: 'Bearer inspector' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { offices: { assignee: string }[]; people: { assignee: string }[] };
    expect(body.offices).toEqual([{ assignee: '青山镇', name: '青山镇纪委' }]);
    const people = body.people.map((p) => p.assignee);
    expect(people).toContain('u-qingshan');
    expect(people).toContain('u-admin');
    expect(people).not.toContain('u-shimen');
    // Township officers don't assign, so they don't get the list either.
    const officer = await app.request(`/api/v1/leads/${LEAD}/assignees`, {
      headers: { authorization: 'Bearer qingshan' },
    });
    expect(officer.status).toBe(403);
  });
});

describe('money in 元 everywhere', () => {
  it("the lead detail gives the evidence rows' amounts in 元, like the lead's", async () => {
    const res = await app.request(`/api/v1/leads/${LEAD}`, {
      headers: { authorization: 'Bearer inspector' },
    });
    const body = (await res.json()) as Record<string, unknown> & {
      amount: number;
      evidence: { kind: string; values: Record<string, unknown> }[];
    };
    expect(body.amount).toBe(1234.56);
    expect(body.evidence.find((e) => e.kind === 'subsidy_payments')?.values.amount).toBe(1234.56);
    expect(body).not.toHaveProperty('amountFen');
    // Stored in fen, unchanged.
    expect(((await leads.get(LEAD)) as Lead).evidence[1]?.values.amount).toBe(123_456);
  });
});
