import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES_REVISION } from '@jiandu/domain/rules/revision';
import { describe, expect, it } from 'vitest';

const RULES_DIR = join(import.meta.dirname, '../../packages/domain/src/rules');

/** A digest of every rule source file but the revision's own. */
function rulesSourcesDigest(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'revision.ts')
    .sort())
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(RULES_DIR, file)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

describe('the rules revision (re-cited findings are tied to the rules code)', () => {
  it('is raised together with any change to the rules sources', () => {
    // On failure: a file under packages/domain/src/rules changed. If the change can alter a
    // finding, raise RULES_REVISION (rules/revision.ts) so no shard re-cites what the old code
    // found; either way record the new revision and digest here.
    expect({ revision: RULES_REVISION, sources: rulesSourcesDigest() }).toEqual({
      revision: 1,
      sources: '03a03357cd732517',
    });
  });
});
