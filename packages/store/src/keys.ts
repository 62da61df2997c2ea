/**
 * Every DynamoDB key of the platform is built here and nowhere else, so the access
 * patterns of the single table can be read in one place:
 *
 * | item            | PK                     | SK        | GSI1 (PK / SK)                                 | GSI2 (PK / SK)                        |
 * |-----------------|------------------------|-----------|------------------------------------------------|---------------------------------------|
 * | dataset version | `VERSION#{versionId}`  | `VERSION` | `DATASET#{department}#{kind}` / `{receivedAt}#{versionId}` | `KIND#{kind}` / `{receivedAt}#{versionId}` |
 * | lead            | `LEAD#{leadId}`        | `LEAD`    | `LEADS` / `{createdAt}#{leadId}`               | `RULE#{rule}` / `{leadId}`            |
 * | collision run   | `RUN#{runId}`          | `RUN`     | `RUNS` / `{startedAt}#{runId}`                 | –                                     |
 *
 * Access patterns: a department's versions of a kind in upload order (GSI1); all versions of
 * a kind, for the collision manifest (GSI2); all leads newest first (GSI1); all leads of a
 * rule, to supersede what a run no longer finds (GSI2); runs newest first (GSI1).
 */
export const keys = {
  version(versionId: string) {
    return { PK: `VERSION#${versionId}`, SK: 'VERSION' };
  },
  versionIndexes(v: { versionId: string; department: string; kind: string; receivedAt: string }) {
    return {
      GSI1PK: `DATASET#${v.department}#${v.kind}`,
      GSI1SK: `${v.receivedAt}#${v.versionId}`,
      GSI2PK: `KIND#${v.kind}`,
      GSI2SK: `${v.receivedAt}#${v.versionId}`,
    };
  },
  versionsOfDataset(department: string, kind: string) {
    return { index: 'GSI1', pk: `DATASET#${department}#${kind}` } as const;
  },
  versionsOfKind(kind: string) {
    return { index: 'GSI2', pk: `KIND#${kind}` } as const;
  },

  lead(leadId: string) {
    return { PK: `LEAD#${leadId}`, SK: 'LEAD' };
  },
  leadIndexes(l: { leadId: string; rule: string; createdAt: string }) {
    return {
      GSI1PK: 'LEADS',
      GSI1SK: `${l.createdAt}#${l.leadId}`,
      GSI2PK: `RULE#${l.rule}`,
      GSI2SK: l.leadId,
    };
  },
  allLeads() {
    return { index: 'GSI1', pk: 'LEADS' } as const;
  },
  leadsOfRule(rule: string) {
    return { index: 'GSI2', pk: `RULE#${rule}` } as const;
  },

  run(runId: string) {
    return { PK: `RUN#${runId}`, SK: 'RUN' };
  },
  runIndexes(r: { runId: string; startedAt: string }) {
    return { GSI1PK: 'RUNS', GSI1SK: `${r.startedAt}#${r.runId}` };
  },
  allRuns() {
    return { index: 'GSI1', pk: 'RUNS' } as const;
  },
} as const;

/** Attributes that are keys, stripped when an item is turned back into a domain object. */
export const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'expiresAt'] as const;
