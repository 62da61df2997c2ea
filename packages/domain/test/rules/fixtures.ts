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

function sourceRow<K extends DatasetKind>(
  kind: K,
  values: Record<string, CellValue>,
  options: RowOptions,
): SourceRow<K> {
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
): SourceRow<'death_records'> {
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
  options: RowOptions & {
    readonly name: string;
    readonly village?: string;
    readonly township?: string;
    readonly household?: string;
    readonly relation?: string;
  },
): SourceRow {
  return sourceRow(
    'household_registry',
    {
      ...(options.id ? { id_number: options.id } : {}),
      name: options.name,
      household_no: options.household ?? 'H001',
      ...(options.relation ? { relation: options.relation } : {}),
      township: options.township ?? '灰山港镇',
      village: options.village ?? '石门村',
    },
    options,
  );
}

/** A `poverty_registry` row. */
export function povertyMember(
  options: RowOptions & {
    readonly household: string;
    readonly name?: string;
    readonly relation?: string;
    readonly status?: string;
    readonly exitYear?: number;
    readonly village?: string;
  },
): SourceRow {
  return sourceRow(
    'poverty_registry',
    {
      household_no: options.household,
      ...(options.id ? { id_number: options.id } : {}),
      name: options.name ?? '张三',
      relation: options.relation ?? '户主',
      township: '灰山港镇',
      village: options.village ?? '石门村',
      status: options.status ?? '未脱贫',
      ...(options.exitYear !== undefined ? { exit_year: options.exitYear } : {}),
    },
    options,
  );
}

/** A `property_records` row. */
export function property(
  options: RowOptions & {
    readonly housingType?: string;
    readonly usage?: string;
    readonly date?: string;
    readonly name?: string;
  },
): SourceRow {
  return sourceRow(
    'property_records',
    {
      ...(options.id ? { owner_id: options.id } : {}),
      owner_name: options.name ?? '张三',
      address: '青山县城关镇建设路1号',
      ...(options.usage ? { usage: options.usage } : {}),
      ...(options.housingType ? { housing_type: options.housingType } : {}),
      ...(options.date ? { registered_date: options.date } : {}),
    },
    options,
  );
}

/** A `vehicle_records` row. */
export function vehicle(
  options: RowOptions & { readonly vehicleClass?: string; readonly date?: string; readonly plate?: string },
): SourceRow {
  return sourceRow(
    'vehicle_records',
    {
      ...(options.id ? { owner_id: options.id } : {}),
      owner_name: '张三',
      plate: options.plate ?? '湘A12345',
      ...(options.vehicleClass ? { vehicle_class: options.vehicleClass } : {}),
      ...(options.date ? { registered_date: options.date } : {}),
    },
    options,
  );
}

/** A `public_officials` row. */
export function official(
  options: RowOptions & {
    readonly name?: string;
    readonly category?: string;
    readonly position?: string;
    readonly township?: string | null;
    readonly village?: string;
    readonly start?: string;
    readonly end?: string;
  },
): SourceRow<'public_officials'> {
  return sourceRow(
    'public_officials',
    {
      ...(options.id ? { id_number: options.id } : {}),
      name: options.name ?? '李四',
      employer:
        options.category === '村干部' ? `${options.village ?? '石门村'}村民委员会` : '灰山港镇人民政府',
      position: options.position ?? (options.category === '村干部' ? '村委会主任' : '科员'),
      category: options.category ?? '公务员',
      ...(options.township !== null ? { township: options.township ?? '灰山港镇' } : {}),
      ...(options.village ? { village: options.village } : {}),
      ...(options.start ? { start_date: options.start } : {}),
      ...(options.end ? { end_date: options.end } : {}),
    },
    options,
  );
}

/** A `fiscal_payroll` row. */
export function payroll(
  options: RowOptions & { readonly period: string; readonly name?: string },
): SourceRow {
  return sourceRow(
    'fiscal_payroll',
    {
      ...(options.id ? { id_number: options.id } : {}),
      name: options.name ?? '李四',
      employer: '青山县第一中学',
      monthly_pay: 520_000,
      period: options.period,
    },
    options,
  );
}

/** A `market_entities` row (capital in 元). */
export function entity(
  options: RowOptions & {
    readonly code?: string;
    readonly capitalYuan?: number;
    readonly status?: string;
    readonly name?: string;
  },
): SourceRow {
  return sourceRow(
    'market_entities',
    {
      credit_code: options.code ?? '91430521MA4L000001',
      entity_name: options.name ?? '青山县兴旺建材有限公司',
      entity_type: '有限责任公司',
      legal_rep_name: '张三',
      ...(options.id ? { legal_rep_id: options.id } : {}),
      registered_capital: Math.round((options.capitalYuan ?? 500_000) * 100),
      status: options.status ?? '存续',
    },
    options,
  );
}

/** A `social_insurance` row (base in 元). */
export function insurance(
  options: RowOptions & { readonly period: string; readonly baseYuan: number },
): SourceRow {
  return sourceRow(
    'social_insurance',
    {
      ...(options.id ? { id_number: options.id } : {}),
      name: '张三',
      employer: '青山县宏达机械厂',
      contribution_base: Math.round(options.baseYuan * 100),
      period: options.period,
    },
    options,
  );
}

/** A `village_finance` row (amount in 元). */
export function finance(
  options: RowOptions & {
    readonly date: string;
    readonly yuan: number;
    readonly category: string;
    readonly payee?: string;
    readonly payeeId?: string;
    readonly voucher?: string;
    readonly direction?: string;
    readonly village?: string;
    readonly township?: string;
  },
): SourceRow {
  return sourceRow(
    'village_finance',
    {
      township: options.township ?? '灰山港镇',
      village: options.village ?? '石门村',
      ...(options.voucher ? { voucher_no: options.voucher } : {}),
      date: options.date,
      direction: options.direction ?? '支出',
      category: options.category,
      amount: Math.round(options.yuan * 100),
      ...(options.payee ? { counterparty: options.payee } : {}),
      ...(options.payeeId ? { counterparty_id: options.payeeId } : {}),
    },
    options,
  );
}

/** A `livelihood_projects` row (budget in 元). */
export function project(
  options: RowOptions & {
    readonly code?: string;
    readonly name?: string;
    readonly township?: string;
    readonly village?: string;
    readonly budgetYuan?: number;
    readonly contractorCode?: string;
    readonly contractorName?: string;
  },
): SourceRow {
  return sourceRow(
    'livelihood_projects',
    {
      ...(options.code ? { project_code: options.code } : {}),
      name: options.name ?? '石门村道路硬化工程',
      township: options.township ?? '灰山港镇',
      village: options.village ?? '石门村',
      budget: Math.round((options.budgetYuan ?? 380_000) * 100),
      contractor_name: options.contractorName ?? '青山县兴旺建材有限公司',
      ...(options.contractorCode ? { contractor_code: options.contractorCode } : {}),
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
