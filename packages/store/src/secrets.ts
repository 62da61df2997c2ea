import { readFile } from 'node:fs/promises';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { derivePlatformKeys, type PlatformKeys } from '@jiandu/domain/keys';

/**
 * Where the platform's master secret comes from: a Secrets Manager secret (created by CDK
 * with a generated value) in AWS, or a file generated once under the data folder locally.
 */
export type PlatformSecretSource =
  | { readonly secretArn: string; readonly client?: SecretsManagerClient }
  | { readonly file: string };

/**
 * Read the master secret and derive the platform's keys. Called once per container (the
 * runtime caches the promise); the secret itself never leaves this function.
 */
export async function loadPlatformKeys(source: PlatformSecretSource): Promise<PlatformKeys> {
  return derivePlatformKeys(await readSecretString(source));
}

/** The string value of a secret: a Secrets Manager secret, or a file's trimmed text. */
export async function readSecretString(source: PlatformSecretSource): Promise<string> {
  if ('file' in source) return (await readFile(source.file, 'utf8')).trim();
  const client = source.client ?? new SecretsManagerClient({});
  const out = await client.send(new GetSecretValueCommand({ SecretId: source.secretArn }));
  if (!out.SecretString) throw new Error(`The secret ${source.secretArn} has no string value`);
  return out.SecretString;
}
