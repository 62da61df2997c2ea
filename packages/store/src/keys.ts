/**
 * Every DynamoDB key of the platform is built here and nowhere else, so the access
 * patterns of the single table can be read in one place:
 *
 * | item            | PK                     | SK        | GSI1 (PK / SK)                                 | GSI2 (PK / SK)                        |
 * |-----------------|------------------------|-----------|------------------------------------------------|---------------------------------------|
 * | dataset version | `VERSION#{versionId}`  | `VERSION` | `DATASET#{department}#{kind}` / `{receivedAt}#{versionId}` | `KIND#{kind}` / `{receivedAt}#{versionId}` |
 * | lead            | `LEAD#{leadId}`        | `LEAD`    | `LEADS` / `{createdAt}#{leadId}`               | `RULE#{rule}` / `{leadId}`            |
 * | collision run   | `RUN#{runId}`          | `RUN`     | `RUNS` / `{startedAt}#{runId}`                 | –                                     |
 * | correction task | `CORRECTION#{taskId}`  | `CORRECTION` | `CORRECTIONS#{department}` / `{createdAt}#{taskId}` | `CORRECTIONS` / `{createdAt}#{taskId}` |
 * | audit entry ¹   | `AUDIT#{auditId}`      | `AUDIT`   | `AUDIT` / `{auditId}` (= `{at}#{random}`)      | `AUDIT_ACTOR#{actor}` / `{auditId}`   |
 * | audit lead ids ¹ | `AUDIT#{auditId}`     | `LEADS#{part}` | –                                         | –                                     |
 * | upload request  | `UPLOAD#{uploadKey}`   | `REQUEST#{requestedAt}#{requestId}` | –                    | –                                     |
 * | lateness record | `LATENESS#{department}#{kind}` | `DUE#{dueAt}` | `LATENESS` / `{department}#{kind}#{dueAt}` | –                             |
 * | column mapping  | `MAPPING#{department}#{kind}` | `MAPPING` | –                                     | –                                     |
 * | report          | `REPORT#{reportId}`    | `REPORT`  | `REPORTS` / `{receivedAt}#{reportId}`          | `REPORT_OFFICE#{township or COUNTY}` / `{receivedAt}#{reportId}` |
 * | report receipt  | `RECEIPT#{receiptHash}` | `RECEIPT` | –                                             | –                                     |
 * | report → lead   | `REPORT#{reportId}`    | `LEAD#{leadId}` | `LEAD_REPORTS#{leadId}` / `{reportId}`   | –                                     |
 * | rate counter    | `LIMIT#{scope}#{hmac}` | `LIMIT`   | –                                              | –                                     |
 * | pending collision | `COLLISION#PENDING`  | `PENDING` | –                                              | –                                     |
 * | lease           | `LEASE#{name}`         | `LEASE`   | –                                              | –                                     |
 * | lead tally      | `LEAD_TALLY`           | `{day}#{rule}#{township}` | –                              | –                                     |
 * | tallies counted | `LEAD_TALLY_COUNTED`   | `COUNTED` | –                                              | –                                     |
 * | disclosed unit  | `DISCLOSURE`           | `UNIT#{kind}\|{versionId}\|{part}` | –                       | –                                     |
 * | payment page ²  | `PAYPAGE#{month}`      | `{township}\|{village}\|{program}\|{chunk}` | `PAYPAGEP#{program}#{month}` / `{township}\|{village}\|{chunk}` | – |
 * | person bucket ² | `PERSONPAY#{bucket}`   | `{chunk}` | –                                              | –                                     |
 * | payment totals  | `TOTALS#{year}`        | `{scope}#{program}#{by}` | –                               | –                                     |
 * | lookup bucket ² | `LOOKUPB#{bucket}`     | `{chunk}` | –                                              | –                                     |
 * | household / project page ² | `POVERTYPAGE` / `PROJECTSPAGE` | `{township}\|{village}\|{chunk}` | –      | –                                     |
 * | finance page ²  | `FINANCEPAGE#{township}\|{village}#{year}` | `{chunk}` | –                       | –                                     |
 * | notice          | `NOTICES`              | `{publishDate}\|{ref}` | –                                    | –                                     |
 *
 * ¹ Audit entries live in their own table (`AUDIT_TABLE_SHAPE`, same key attributes, no TTL),
 * whose writer IAM allows `PutItem` and reads only; entries written before that table existed
 * stay in the platform table under the same keys, read-only for every role.
 * An entry holds its first 2,000 lead ids; a longer list (a large export) goes on in parts of
 * 10,000 (`auditLeadIdParts`, `{part}` 4 digits from 0001) in the entry's partition, written
 * before the entry, so the entry appears only once all its ids are stored.
 *
 * ² Packed (`disclosure-packing.ts`): one item holds many records as compact JSON, split into
 * numbered chunks (`{chunk}`: 4 digits in page sort keys, the number in buckets) past ≈ 300 KB. A page holds a group's
 * records (a village-program-month's payments; a village's households or projects; a village
 * year's books) in listing order (payments: `paymentOrder`; others by ref); a bucket holds what is filed under keyed digests whose first 8
 * bits are `{bucket}` (2 hex digits, 256 buckets), and its chunk 0 lists the first digest of
 * every further chunk. An earlier version stored these one item per record (`PAY#{month}` with
 * GSI2 `PERSON#{digest}`, `LOOKUP#{digest}` with GSI1 `LOOKUPS#{hex}`, `POVERTY`, `PROJECTS`,
 * `FINANCE#…`, totals cells `{scope}#{program}#{by}#{key}`): the sync deletes them when it
 * re-projects a unit without `layout` (`legacy*` keys below).
 *
 * Access patterns: a department's versions of a kind in upload order (GSI1); all versions of
 * a kind, for the collision manifest (GSI2); all leads newest first (GSI1); all leads of a
 * rule, to supersede what a run no longer finds (GSI2); runs newest first (GSI1); the newest
 * upload request for a key (base table, SK range); every lateness record (GSI1).
 *
 * Lead list, statistics and export: the list's default order (newest first, or oldest) is
 * GSI1's `LEADS` partition read in key order from the cursor with every filter pushed down, so
 * a page costs about a page of reads; its total is a `COUNT` of the same range on the first page
 * (carried in the cursor after). Sorting by score or amount, exports and lookups still read the
 * matching partition (GSI2 `RULE#` or GSI1 `LEADS`) and sort in memory: no index has those keys.
 * Statistics never read leads: every lead write adds `tally(next) − tally(previous)` to its
 * `LEAD_TALLY` item (day created × rule × township) in the same transaction, and the page sums
 * the items of its day range (`LEAD_TALLY_COUNTED` marks a table whose older leads were counted
 * once). Correction tasks are listed per
 * department (GSI1) or all (GSI2); audit entries newest first (GSI1) or per actor (GSI2). Audit
 * items are only ever put with `attribute_not_exists(PK)`: no code path updates or deletes them,
 * and IAM denies it.
 *
 * Disclosure (CONTRACT.md §7): the workflow projects what the public may see into few packed
 * items that a public read finds with one or two requests: a month's payments (pages by place;
 * GSI1 `PAYPAGEP#` narrows to one program; a cursor is a page chunk's key + the records read of
 * it), a person's payments (personal lookup: the lookup bucket of the keyed digest of ID + name,
 * then one BatchGetItem of the person buckets of the person and their household), the
 * precomputed totals of a year (one item per scope/program/grouping), a village's finance items
 * of a year, poverty households and projects by place prefix, notices by date. `ref` is
 * `{versionId}|{sheet}|{row}`, for payments `{department}|{sheet}|{content digest}` (`PaymentRefs`); the units say what is projected, so items of a
 * version are found again from its rows when it leaves force.
 *
 * Reports: a receipt code is looked up by its hash, a key of its own item (written in the same
 * transaction as the report, both with `attribute_not_exists`). Staff lists read one office's
 * GSI2 partition (or GSI1's `REPORTS` for county-wide lists and a supervisor's filings); a
 * lead's linked reports are the GSI1 partition of its link items, kept in step with the
 * report's `leadIds` in the same transaction as each report update.
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
  /** The GSI1 key of a lead in the list (newest first), where a page resumes after it. */
  leadListPosition(createdAt: string, leadId: string) {
    return { ...this.lead(leadId), GSI1PK: 'LEADS', GSI1SK: `${createdAt}#${leadId}` };
  },
  allLeads() {
    return { index: 'GSI1', pk: 'LEADS' } as const;
  },
  leadsOfRule(rule: string) {
    return { index: 'GSI2', pk: `RULE#${rule}` } as const;
  },
  /**
   * A rule's GSI2 partition cut into sort-key ranges that together cover it (lead ids are
   * `{rule}-{hex digest}`, so the cuts at hex digits split it evenly; ids of any other form
   * still fall in one of the ranges). Adjacent ranges share their bound (BETWEEN is
   * inclusive): a lead whose id is exactly a bound is read twice.
   */
  leadsOfRuleSegments(rule: string): { index: 'GSI2'; pk: string; skFrom?: string; skBefore?: string }[] {
    const bounds = LEAD_ID_CUTS.map((digit) => `${rule}-${digit}`);
    return [undefined, ...bounds].map((from, i) => ({
      ...this.leadsOfRule(rule),
      ...(from !== undefined ? { skFrom: from } : {}),
      ...(bounds[i] !== undefined ? { skBefore: bounds[i] } : {}),
    }));
  },
  /** GSI1 sort-key bounds of leads created in [from, before) (ISO instants; either may be open). */
  leadsCreatedRange(from?: string, before?: string) {
    return {
      index: 'GSI1',
      pk: 'LEADS',
      ...(from ? { skFrom: from } : {}),
      ...(before ? { skBefore: before } : {}),
    } as const;
  },

  /**
   * The running sums of the leads created on one China day of one rule and township
   * (`LeadTally`), all in one partition: the statistics page reads this partition (a day
   * range is a key range), never the leads. Hundreds of items a year, not tens of thousands.
   */
  leadTally(t: { day: string; rule: string; township: string | null }) {
    return { PK: 'LEAD_TALLY', SK: `${t.day}#${t.rule}#${t.township ?? ''}` };
  },
  /** Marks that the tally items cover every lead (written once they were counted). */
  leadTallyCounted() {
    return { PK: 'LEAD_TALLY_COUNTED', SK: 'COUNTED' };
  },
  /** The tally items of leads created within [fromDay, toDay] (inclusive days; either may be open). */
  leadTallies(fromDay?: string, toDay?: string) {
    return {
      pk: 'LEAD_TALLY',
      ...(fromDay ? { skFrom: fromDay } : {}),
      // Every `{toDay}#…` key sorts below `{toDay}#\uffff`.
      ...(toDay ? { skTo: `${toDay}#\uffff` } : {}),
    } as const;
  },

  correctionTask(taskId: string) {
    return { PK: `CORRECTION#${taskId}`, SK: 'CORRECTION' };
  },
  correctionTaskIndexes(t: { taskId: string; department: string; createdAt: string }) {
    return {
      GSI1PK: `CORRECTIONS#${t.department}`,
      GSI1SK: `${t.createdAt}#${t.taskId}`,
      GSI2PK: 'CORRECTIONS',
      GSI2SK: `${t.createdAt}#${t.taskId}`,
    };
  },
  correctionTasksOfDepartment(department: string) {
    return { index: 'GSI1', pk: `CORRECTIONS#${department}` } as const;
  },
  allCorrectionTasks() {
    return { index: 'GSI2', pk: 'CORRECTIONS' } as const;
  },

  auditEntry(auditId: string) {
    return { PK: `AUDIT#${auditId}`, SK: 'AUDIT' };
  },
  /** Part `part` (from 1) of an audit entry's lead ids beyond the ones the entry holds. */
  auditLeadIdPart(auditId: string, part: number) {
    return { PK: `AUDIT#${auditId}`, SK: `LEADS#${String(part).padStart(4, '0')}` };
  },
  auditIndexes(e: { auditId: string; actor: string }) {
    return { GSI1PK: 'AUDIT', GSI1SK: e.auditId, GSI2PK: `AUDIT_ACTOR#${e.actor}`, GSI2SK: e.auditId };
  },
  /** Audit entries, all or of one actor; sort keys start with the ISO time, so date ranges are key ranges. */
  auditEntries(q: { actor?: string; from?: string; to?: string }) {
    return {
      ...(q.actor
        ? ({ index: 'GSI2', pk: `AUDIT_ACTOR#${q.actor}` } as const)
        : ({ index: 'GSI1', pk: 'AUDIT' } as const)),
      // `to` is inclusive: every `{to}#{random}` id sorts below `{to}#\uffff`.
      ...(q.from ? { skFrom: q.from } : {}),
      ...(q.to ? { skTo: `${q.to}#\uffff` } : {}),
    };
  },

  report(reportId: string) {
    return { PK: `REPORT#${reportId}`, SK: 'REPORT' };
  },
  reportIndexes(r: { reportId: string; receivedAt: string; office: string | null }) {
    return {
      GSI1PK: 'REPORTS',
      GSI1SK: `${r.receivedAt}#${r.reportId}`,
      GSI2PK: `REPORT_OFFICE#${r.office ?? 'COUNTY'}`,
      GSI2SK: `${r.receivedAt}#${r.reportId}`,
    };
  },
  allReports() {
    return { index: 'GSI1', pk: 'REPORTS' } as const;
  },
  /** Reports handled by a township's office, or by the county commission (`null`). */
  reportsOfOffice(office: string | null) {
    return { index: 'GSI2', pk: `REPORT_OFFICE#${office ?? 'COUNTY'}` } as const;
  },
  /** The receipt of a report: its code's hash is the key, so a lookup is a GetItem. */
  reportReceipt(receiptHash: string) {
    return { PK: `RECEIPT#${receiptHash}`, SK: 'RECEIPT' };
  },
  /** One lead linked to a report (stored under the report, indexed by the lead). */
  reportLeadLink(reportId: string, leadId: string) {
    return {
      PK: `REPORT#${reportId}`,
      SK: `LEAD#${leadId}`,
      GSI1PK: `LEAD_REPORTS#${leadId}`,
      GSI1SK: reportId,
    };
  },
  reportsOfLead(leadId: string) {
    return { index: 'GSI1', pk: `LEAD_REPORTS#${leadId}` } as const;
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

  /** One request for a presigned upload URL; all requests for a key share its partition, oldest first. */
  uploadRequest(r: { key: string; requestedAt: string; requestId: string }) {
    return { PK: `UPLOAD#${r.key}`, SK: `REQUEST#${r.requestedAt}#${r.requestId}` };
  },
  uploadRequestsOfKey(key: string) {
    return { pk: `UPLOAD#${key}`, skPrefix: 'REQUEST#' } as const;
  },

  /** One lateness record: per department, kind and missed due date (`none`: never delivered). */
  lateness(r: { department: string; kind: string; dueAt: string | null }) {
    return { PK: `LATENESS#${r.department}#${r.kind}`, SK: `DUE#${r.dueAt ?? 'none'}` };
  },
  latenessIndexes(r: { department: string; kind: string; dueAt: string | null }) {
    return { GSI1PK: 'LATENESS', GSI1SK: `${r.department}#${r.kind}#${r.dueAt ?? 'none'}` };
  },
  allLateness() {
    return { index: 'GSI1', pk: 'LATENESS' } as const;
  },

  /** A department's remembered column mapping of one kind (read by key when its files are read). */
  columnMapping(department: string, kind: string) {
    return { PK: `MAPPING#${department}#${kind}`, SK: 'MAPPING' };
  },

  /**
   * The one pending (coalesced) collision: kinds uploads marked since the last burst's run
   * started (`collision-burst.ts`). One item per county table, read and claimed by key.
   */
  pendingCollision() {
    return { PK: 'COLLISION#PENDING', SK: 'PENDING' };
  },
  /** An upload being read, in the pending collision's partition (read with it in one query). */
  pendingReceiving(upload: string) {
    return { PK: 'COLLISION#PENDING', SK: `RECEIVING#${upload}` };
  },

  /**
   * A lease (`LeaseStore`): one item per piece of work that runs once at a time (the disclosure
   * sync), taken and released by key with conditions on its owner and `expiresAt` (epoch
   * seconds, the table's TTL attribute: a lease its owner never released is removed too).
   */
  lease(name: string) {
    return { PK: `LEASE#${name}`, SK: 'LEASE' };
  },

  /**
   * A rate-limit counter or a single-use claim (`rate-limit.ts`): the key is already an HMAC
   * (never an address); the item carries `expiresAt` and DynamoDB's TTL removes it.
   */
  rateLimit(key: string) {
    return { PK: `LIMIT#${key}`, SK: 'LIMIT' };
  },

  /** A projected unit of a version in force (`DisclosureUnit`); all units are one partition. */
  disclosureUnit(id: string) {
    return { PK: 'DISCLOSURE', SK: `UNIT#${id}` };
  },
  disclosureUnits() {
    return { pk: 'DISCLOSURE', skPrefix: 'UNIT#' } as const;
  },
  /** The years that have totals. */
  totalsYears() {
    return { PK: 'DISCLOSURE', SK: 'TOTALS_YEARS' };
  },
  /**
   * One chunk of the payment page of a group (month, township, village, program; `packing`):
   * the month listing reads `PAYPAGE#{month}` by place prefix, one program's listing GSI1.
   */
  paymentPage(g: { period: string; township: string; village: string; program: string }, chunk: number) {
    const n = String(chunk).padStart(4, '0');
    return {
      PK: `PAYPAGE#${g.period}`,
      SK: `${g.township}|${g.village}|${g.program}|${n}`,
      GSI1PK: `PAYPAGEP#${g.program}#${g.period}`,
      GSI1SK: `${g.township}|${g.village}|${n}`,
    };
  },
  /** A month's payment pages (base table), or one program's (GSI1); a place narrows by sort-key prefix. */
  paymentPagesOfMonth(month: string, program: string | undefined, placePrefix: string) {
    return program
      ? ({ index: 'GSI1', pk: `PAYPAGEP#${program}#${month}`, skPrefix: placePrefix } as const)
      : ({ index: undefined, pk: `PAYPAGE#${month}`, skPrefix: placePrefix } as const);
  },
  /** One chunk of a person bucket: the payments of every person whose digest starts with `bucket`. */
  personBucket(bucket: string, chunk: number) {
    return { PK: `PERSONPAY#${bucket}`, SK: String(chunk) };
  },
  /** One chunk of a lookup bucket: the lookup entries whose digest starts with `bucket`. */
  lookupBucket(bucket: string, chunk: number) {
    return { PK: `LOOKUPB#${bucket}`, SK: String(chunk) };
  },
  /**
   * A payment record as an earlier version stored it, one item each (`PAY#{month}`, GSI2 per
   * person): found only to be deleted when the platform is upgraded in place.
   */
  legacyPayment(p: { period: string; township: string; village: string; program: string; ref: string }) {
    return { PK: `PAY#${p.period}`, SK: `${p.township}|${p.village}|${p.program}|${p.ref}` };
  },
  /** The totals of a year for one scope, program and grouping (`{scope}#{program}#{by}`), packed. */
  totalsGroup(year: string, groupId: string) {
    return { PK: `TOTALS#${year}`, SK: groupId };
  },
  /** Every totals item of a year (and cells one item each, as an earlier version stored them). */
  totalsOfYear(year: string) {
    return { index: undefined, pk: `TOTALS#${year}`, skPrefix: '' } as const;
  },
  /**
   * Every GSI1 partition listing lookup entries as an earlier version stored them, one item
   * each (`LOOKUP#{digest}`, listed in `LOOKUPS` or `LOOKUPS#{hex}`): read only to delete them.
   */
  legacyLookupEntries() {
    return ['LOOKUPS', ...[...'0123456789abcdef'].map((c) => `LOOKUPS#${c}`)].map(
      (pk) => ({ index: 'GSI1', pk, skPrefix: '' }) as const,
    );
  },
  /**
   * One chunk of the households (`POVERTY`) or projects (`PROJECTS`) of a village, sorted by
   * ref: listed by place prefix.
   */
  placePage(partition: 'POVERTY' | 'PROJECTS', g: { township: string; village: string }, chunk: number) {
    return { PK: `${partition}PAGE`, SK: `${g.township}|${g.village}|${String(chunk).padStart(4, '0')}` };
  },
  placePages(partition: 'POVERTY' | 'PROJECTS', placePrefix: string) {
    return { index: undefined, pk: `${partition}PAGE`, skPrefix: placePrefix } as const;
  },
  /** One chunk of a village's finance items of a year, sorted by date and ref. */
  financePage(g: { township: string; village: string; year: string }, chunk: number) {
    return { PK: `FINANCEPAGE#${g.township}|${g.village}#${g.year}`, SK: String(chunk).padStart(4, '0') };
  },
  financePagesOfVillageYear(township: string, village: string, year: string) {
    return { index: undefined, pk: `FINANCEPAGE#${township}|${village}#${year}`, skPrefix: '' } as const;
  },
  /** A household or project as an earlier version stored it, one item each (deleted on upgrade). */
  legacyPlaceItem(partition: 'POVERTY' | 'PROJECTS', r: { township: string; village: string; ref: string }) {
    return { PK: partition, SK: `${r.township}|${r.village}|${r.ref}` };
  },
  /** A finance item as an earlier version stored it, one item each (deleted on upgrade). */
  legacyFinanceItem(r: { township: string; village: string; date: string; ref: string }) {
    return { PK: `FINANCE#${r.township}|${r.village}#${r.date.slice(0, 4)}`, SK: `${r.date}|${r.ref}` };
  },
  notice(r: { publishDate: string; ref: string }) {
    return { PK: 'NOTICES', SK: `${r.publishDate}|${r.ref}` };
  },
  notices() {
    return { index: undefined, pk: 'NOTICES', skPrefix: '' } as const;
  },
} as const;

/** A place as a sort-key prefix: `''`, `{township}|` or `{township}|{village}|`. */
export function placePrefix(q: { township?: string | undefined; village?: string | undefined }): string {
  if (!q.township) return '';
  return q.village ? `${q.township}|${q.village}|` : `${q.township}|`;
}

/** Attributes that are keys, stripped when an item is turned back into a domain object. */
export const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'] as const;

/**
 * Where a rule's lead partition is cut for a read of every lead: DynamoDB Local's cost of a
 * query page grows with what remains of the key range, so reading one long range is
 * quadratic in its length; 8 ranges a rule keep each short (a county's 25,000 leads: ~260
 * per range) at 96 queries for the twelve rules.
 */
const LEAD_ID_CUTS = '2468ace'.split('');
