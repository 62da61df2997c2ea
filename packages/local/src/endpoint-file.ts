/**
 * `<data>/platform.json`: where a running local platform can be reached, so that the staff
 * command line (`npm run cli -- upload …`) finds it without copying URLs around.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

/** File name of the endpoint file inside the platform's data folder. */
export const ENDPOINT_FILE = 'platform.json';

/** What the endpoint file holds. Only local, fixed demo credentials: nothing secret. */
export const PlatformEndpoints = z.object({
  apiUrl: z.url(),
  /** The local token issuer (`iss` of its tokens; `/token`, `/.well-known/jwks.json`). */
  issuerUrl: z.url(),
  dynamodbEndpoint: z.url(),
  tableName: z.string().min(1),
  s3Endpoint: z.url(),
  sfnEndpoint: z.url(),
  stateMachineArn: z.string().min(1),
  region: z.string().min(1),
  buckets: z.object({ upload: z.string().min(1), data: z.string().min(1) }),
  /** The emulators' access key (s3rver checks signatures against it). */
  credentials: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }),
  /** A bearer token of the demo inspector, valid for this platform. */
  inspectorToken: z.string().min(1).optional(),
  /** The process serving the platform (to tell a stale file from a running platform). */
  pid: z.number().int().positive(),
});
export type PlatformEndpoints = z.infer<typeof PlatformEndpoints>;

/** Write the endpoint file into `dataDir`; returns its path. */
export function writeEndpointFile(dataDir: string, endpoints: PlatformEndpoints): string {
  const path = join(dataDir, ENDPOINT_FILE);
  writeFileSync(path, `${JSON.stringify(PlatformEndpoints.parse(endpoints), null, 2)}\n`, { mode: 0o600 });
  return path;
}

/** Remove the endpoint file (the platform stopped). */
export function removeEndpointFile(dataDir: string): void {
  rmSync(join(dataDir, ENDPOINT_FILE), { force: true });
}

/**
 * Read an endpoint file.
 *
 * @throws {Error} naming the file when it is missing or not an endpoint file.
 */
export function readEndpointFile(path: string): PlatformEndpoints {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`找不到本地平台的地址文件 ${path}：请先运行 npm start（或用 --data 指定其数据目录）`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`地址文件 ${path} 不是有效的 JSON`);
  }
  const parsed = PlatformEndpoints.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join('、');
    throw new Error(`地址文件 ${path} 的内容无效（字段：${fields}）`);
  }
  return parsed.data;
}
