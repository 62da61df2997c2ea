import type { DatasetKind } from '../../src/kinds.js';
import type { CellValue, IdStatus } from '../../src/model.js';
import { checkCharacter } from '../../src/normalize/id.js';
import type { MatchInput, SourceRow } from '../../src/rules/types.js';

/** A valid 18-digit ID: region 430521, the birth date, a 3-digit sequence and its check character. */
export function validId(birth = '19600101', sequence = 123): string {
  const first17 = `430521${birth}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

let rowCounter = 1;

interface RowOptions {
  readonly id?: string;
  readonly idStatus?: IdStatus;
  readonly versionId?: string;
  readonly row?: number;
  readonly sheet?: string;
}

function sourceRow(kind: DatasetKind, values: Record<string, CellValue>, options: RowOptions): SourceRow {
  const idStatus = options.idStatus ?? (options.id ? 'as_given' : 'absent');
  return {
    kind,
    versionId: options.versionId ?? `v-${kind}`,
    row: options.row ?? ++rowCounter,
    ...(options.sheet ? { sheet: options.sheet } : {}),
    ...(options.id && (idStatus === 'as_given' || idStatus === 'repaired') ? { idNumber: options.id } : {}),
    idStatus,
    values,
  };
}

/** A subsidy payment row (amount in 元 for readability, stored in fen like the normalizer does). */
export function payment(
  options: RowOptions & {
    readonly name?: string;
    readonly program?: string;
    readonly yuan?: number;
    readonly period?: string;
    readonly payDate?: string;
    readonly township?: string;
    readonly village?: string;
  },
): SourceRow {
  const program = options.program ?? 'DIBAO_RURAL';
  return sourceRow(
    'subsidy_payments',
    {
      program,
      program_name: program === 'DIBAO_RURAL' ? '农村低保' : program,
      recipient_name: options.name ?? '张三',
      ...(options.id ? { id_number: options.id } : {}),
      township: options.township ?? '灰山港镇',
      village: options.village ?? '石门村',
      amount: Math.round((options.yuan ?? 500) * 100),
      ...(options.payDate ? { pay_date: options.payDate } : {}),
      ...(options.period ? { period: options.period } : {}),
    },
    options,
  );
}

export function death(
  options: RowOptions & { readonly date: string; readonly name?: string; readonly source?: string },
): SourceRow {
  return sourceRow(
    'death_records',
    {
      ...(options.id ? { id_number: options.id } : {}),
      name: options.name ?? '张三',
      death_date: options.date,
      ...(options.source ? { source: options.source } : {}),
    },
    options,
  );
}

export function resident(
  options: RowOptions & { readonly name: string; readonly village?: string },
): SourceRow {
  return sourceRow(
    'household_registry',
    {
      ...(options.id ? { id_number: options.id } : {}),
      name: options.name,
      household_no: 'H001',
      township: '灰山港镇',
      village: options.village ?? '石门村',
    },
    options,
  );
}

/** A shard holding these rows. */
export function shard(rows: readonly SourceRow[], present?: readonly DatasetKind[]): MatchInput {
  return {
    rows: (kind) => rows.filter((row) => row.kind === kind),
    ...(present ? { hasKind: (kind: DatasetKind) => present.includes(kind) } : {}),
  };
}
