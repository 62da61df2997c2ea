import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (the directory holding `package-lock.json`). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Resolve a repo-relative path (as in `FUNCTION_ENTRIES`) to an absolute one. */
export function repoPath(relative: string): string {
  return join(REPO_ROOT, relative);
}

/** Lock file esbuild bundling hashes and resolves dependencies against. */
export const LOCK_FILE = repoPath('package-lock.json');

if (!existsSync(LOCK_FILE)) {
  // Fail early with a clear message rather than deep inside NodejsFunction.
  throw new Error(`package-lock.json not found at ${LOCK_FILE}; infra expects to live at <repo>/infra`);
}
