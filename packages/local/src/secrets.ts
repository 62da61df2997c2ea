import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newMasterSecret } from '@jiandu/domain/keys';

/**
 * The local platform's master secret (what Secrets Manager holds in AWS): generated once
 * under `<data>/secrets/`, readable by the owner only, and kept across restarts, since lead
 * ids and receipt lookups depend on it. Returns the file's path (the handlers read it).
 */
export function ensurePlatformSecret(dataDir: string): string {
  const dir = join(dataDir, 'secrets');
  const file = join(dir, 'platform-secret');
  if (!existsSync(file) || readFileSync(file, 'utf8').trim() === '') {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${newMasterSecret()}\n`, { mode: 0o600, flag: 'w' });
  }
  return file;
}
