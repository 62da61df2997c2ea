/**
 * `npm start`: the whole platform on localhost, persisting under `./.jiandu` by default.
 * Stops everything (the DynamoDB Local Java process included) on Ctrl-C / SIGTERM.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ENDPOINT_FILE } from './endpoint-file.js';
import type { DemoUser } from './issuer.js';
import { startPlatform } from './platform.js';

const USAGE = `Usage: npm start -- [options]

Runs jiandu locally: DynamoDB Local, s3rver, the collision workflow and the API.

Options:
  --data <dir>   data folder (database, uploaded files); default ./.jiandu
  --port <n>     API port on 127.0.0.1; default 3000. 0 picks free ports for
                 everything (API, issuer, emulators); <data>/platform.json lists them
  --issuer-port <n>
                 local token issuer port; default the API port + 1 (3001), or a free
                 one with --port 0 (keep it fixed: it is the tokens' issuer, so tokens
                 survive restarts)
  --dynamodb-port <n>, --s3-port <n>, --sfn-port <n>
                 emulator ports (DynamoDB Local, s3rver, Step Functions API);
                 default 0, a free one
  --function-workers <n>
                 function invocations run at once, each in its own worker thread
                 (as Lambda runs each in its own container); default
                 $JIANDU_FUNCTION_WORKERS, else one per core; the disclosure sync
                 runs besides them in a worker of its own at a lower priority
                 ($JIANDU_BACKGROUND_WORKERS, default 1, 0 = in the pool, after
                 the others; $JIANDU_BACKGROUND_NICE, 0-19, default 10)
  --concurrent-executions <n>
                 workflow executions run at once (in AWS they overlap); default
                 $JIANDU_CONCURRENT_EXECUTIONS, else one per function worker
                 (1: one at a time)
  --empty        don't upload the demo county on first start
  --help         show this help

The functions read RULE_CONFIG, CADENCE_CONFIG, REPORT_DEADLINES, LEAD_LIST_MIN_SCORE,
DISCLOSURE_CONFIG and COLLISION_QUIET_SECONDS (default here 2; deployed 60) from this
environment when set, as the deployed stack configures them.
`;

/** Settings of the deployed functions that `npm start` passes on from its own environment. */
const FUNCTION_SETTINGS = [
  'RULE_CONFIG',
  'CADENCE_CONFIG',
  'REPORT_DEADLINES',
  'LEAD_LIST_MIN_SCORE',
  'DISCLOSURE_CONFIG',
  'COLLISION_QUIET_SECONDS',
] as const;

function parsePort(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`${option} must be 0–65535, got '${value}'`);
  return port;
}

/** One line per demo user: name, password, role and jurisdiction. */
function demoUserLines(users: readonly DemoUser[]): string {
  return users
    .map((u) => {
      const scope = u.township ?? u.department ?? '';
      return `    ${u.username.padEnd(14)} ${u.password}   ${u.roles.join(',')} ${scope}`.trimEnd();
    })
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: '.jiandu' },
      port: { type: 'string' },
      'issuer-port': { type: 'string' },
      'dynamodb-port': { type: 'string' },
      's3-port': { type: 'string' },
      'sfn-port': { type: 'string' },
      'function-workers': { type: 'string' },
      'concurrent-executions': { type: 'string' },
      empty: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = parsePort(values.port, 3000, '--port');
  const functionSettings = Object.fromEntries(
    FUNCTION_SETTINGS.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
  );
  const platform = await startPlatform({
    dataDir: values.data,
    port,
    issuerPort: parsePort(
      values['issuer-port'],
      port === 0 || port === 65_535 ? 0 : port + 1,
      '--issuer-port',
    ),
    dynamodbPort: parsePort(values['dynamodb-port'], 0, '--dynamodb-port'),
    s3Port: parsePort(values['s3-port'], 0, '--s3-port'),
    sfnPort: parsePort(values['sfn-port'], 0, '--sfn-port'),
    functionSettings,
    empty: values.empty,
    ...(values['function-workers'] !== undefined
      ? { functionWorkers: Number(values['function-workers']) }
      : {}),
    ...(values['concurrent-executions'] !== undefined
      ? { concurrentExecutions: Number(values['concurrent-executions']) }
      : {}),
  });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[local] ${signal}: stopping…`);
    platform.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  console.log(`
jiandu 监督平台 is running locally (data in ${values.data})

  API        ${platform.apiUrl}
  Dashboard  ${platform.apiUrl}/staff/   (staff: log in by picking a demo user)
  Token      ${platform.inspectorToken}
             (demo inspector's ID token, valid 12 h)
  Try        curl -H 'Authorization: Bearer ${platform.inspectorToken}' ${platform.apiUrl}/api/v1/leads

  Issuer     ${platform.issuerUrl}   (JWKS ${platform.issuerUrl}/.well-known/jwks.json)
  Log in     curl -X POST ${platform.issuerUrl}/token -H 'content-type: application/json' \\
               -d '{"username":"inspector","password":"<password>"}'   → id_token
  Demo users (local only)
${demoUserLines(platform.demoUsers)}

  Endpoints  ${join(values.data, ENDPOINT_FILE)}   (every URL and port of this platform)
  DynamoDB   ${platform.dynamodbEndpoint}   (table ${platform.tableName})
  S3         ${platform.s3Endpoint}   (buckets ${platform.buckets.upload}, ${platform.buckets.data}; key/secret S3RVER)
  Upload     aws --endpoint-url ${platform.s3Endpoint} s3 cp 低保.csv s3://${platform.buckets.upload}/uploads/civil-affairs/subsidy_payments/低保.csv

Press Ctrl-C to stop.
`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
