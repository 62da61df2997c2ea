/**
 * The revision of the rules' code: what the rules find for the same rows. A shard whose inputs
 * digest as in an earlier match re-cites that match's findings (`packages/pipeline/src/match-reuse.ts`),
 * and its fingerprint carries this number, so raising it makes every shard match again after a
 * deploy. Raise it with any change under `rules/` that can change a finding (what fires, its
 * amount, evidence, order or match); `test/pipeline/rules-revision.test.ts` fails on any change
 * to those files until the revision and its recorded digest are updated together.
 */
export const RULES_REVISION = 2;
