import { type AccuracyReport, pct, type Ratio, type RuleFigures } from './compare.js';

const withCount = (r: Ratio): string => (r.value === null ? '—' : `${pct(r)} (${r.hits}/${r.of})`);

/** The figures as a Markdown table (what the README shows), one line per rule plus totals. */
export function reportTable(report: AccuracyReport): string {
  const header = [
    'rule',
    'expected',
    'found',
    'TP',
    'precision',
    'recall',
    'amount exact',
    'match agrees',
    'recall, repaired ID',
    'recall, name+village',
  ];
  const row = (
    name: string,
    f: Omit<RuleFigures, 'rule' | 'implemented' | 'missed' | 'unexpected' | 'wrongAmounts'>,
    note = '',
  ) => [
    name + note,
    String(f.expected),
    String(f.found),
    String(f.truePositives),
    pct(f.precision),
    pct(f.recall),
    pct(f.amountAccuracy),
    pct(f.matchAgreement),
    withCount(f.repairRecall),
    withCount(f.fallbackRecall),
  ];
  const lines = [header, header.map((h) => '-'.repeat(Math.max(3, h.length)))];
  for (const r of report.rules) lines.push(row(r.rule, r, r.implemented ? '' : ' (not implemented)'));
  lines.push(row('all implemented', report.total));
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** Subject keys carry ID numbers (of fictional people, still): print them masked like the lead list does. */
export function maskIds(text: string): string {
  return text.replace(/(\d{6})\d{8}(\d{3}[\dX])/g, '$1********$2');
}

/** For each implemented rule with errors, a few subject keys (IDs masked) to look at. */
export function reportErrors(report: AccuracyReport): string[] {
  return rawErrors(report).map(maskIds);
}

function rawErrors(report: AccuracyReport): string[] {
  const out: string[] = [];
  for (const r of report.rules) {
    if (!r.implemented) continue;
    if (r.missed.length > 0) out.push(`${r.rule} missed: ${r.missed.join(', ')}`);
    if (r.unexpected.length > 0) out.push(`${r.rule} unexpected: ${r.unexpected.join(', ')}`);
    for (const w of r.wrongAmounts)
      out.push(`${r.rule} amount of ${w.subjectKey}: expected ${w.expected} fen, found ${w.found}`);
  }
  return out;
}
