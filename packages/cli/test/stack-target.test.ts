/**
 * `--profile … --stack …`: the target of a deployed stack is read from CloudFormation outputs,
 * with the profile's credentials. A local stand-in for the CloudFormation query API answers
 * DescribeStacks, and records what it was asked and how the request was signed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget, STACK_OUTPUTS } from '../src/target.js';

const OUTPUTS: Record<string, Record<string, string>> = {
  'County-Data': { [STACK_OUTPUTS.Data.uploadBucket]: 'county-data-uploads-1a2b' },
  'County-Pipeline': {
    [STACK_OUTPUTS.Pipeline.stateMachineArn]: 'arn:aws:states:cn-north-1:111122223333:stateMachine:Collision',
  },
  'County-Api': { [STACK_OUTPUTS.Api.apiUrl]: 'https://abc.execute-api.cn-north-1.amazonaws.com.cn/' },
};

function describeStacks(name: string): string {
  const outputs = Object.entries(OUTPUTS[name] ?? {})
    .map(([k, v]) => `<member><OutputKey>${k}</OutputKey><OutputValue>${v}</OutputValue></member>`)
    .join('');
  return `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${name}</StackName><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2024-01-01T00:00:00Z</CreationTime><Outputs>${outputs}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>`;
}

let server: Server;
let dir: string;
const requests: { stack: string; authorization: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const params = new URLSearchParams(body);
      const stack = params.get('StackName') ?? '';
      requests.push({ stack, authorization: String(req.headers.authorization ?? '') });
      if (!OUTPUTS[stack]) {
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${stack} does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(describeStacks(stack));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  dir = mkdtempSync(join(tmpdir(), 'jiandu-aws-'));
  writeFileSync(join(dir, 'config'), '[profile county]\nregion = cn-north-1\n');
  writeFileSync(
    join(dir, 'credentials'),
    '[county]\naws_access_key_id = AKIACOUNTYEXAMPLE\naws_secret_access_key = secret\n',
  );
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_REGION'])
    delete process.env[name];
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});

describe('resolveTarget of a deployed stack', () => {
  it('reads bucket, state machine and API URL from the three stacks, signed with the profile', async () => {
    const target = await resolveTarget({ stack: { prefix: 'County', profile: 'county' } });
    try {
      expect(target).toMatchObject({
        uploadBucket: 'county-data-uploads-1a2b',
        stateMachineArn: 'arn:aws:states:cn-north-1:111122223333:stateMachine:Collision',
        apiUrl: 'https://abc.execute-api.cn-north-1.amazonaws.com.cn',
        description: '堆栈 County（AWS 配置 county）',
      });
      expect(target.token).toBeUndefined();
      expect(await target.s3.config.region()).toBe('cn-north-1');
    } finally {
      target.close();
    }
    expect(requests.map((r) => r.stack).sort()).toEqual(['County-Api', 'County-Data', 'County-Pipeline']);
    expect(requests.every((r) => r.authorization.includes('Credential=AKIACOUNTYEXAMPLE/'))).toBe(true);
    expect(requests.every((r) => r.authorization.includes('/cn-north-1/cloudformation/'))).toBe(true);
  });

  it('names the stack that is missing', async () => {
    await expect(resolveTarget({ stack: { prefix: 'Nope', profile: 'county' } })).rejects.toThrow(
      /读取堆栈 Nope-(Data|Pipeline|Api) 失败：Stack with id Nope-\w+ does not exist/,
    );
  });
});
