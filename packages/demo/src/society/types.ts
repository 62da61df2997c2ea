import type { Township, Village } from '../geography.js';
import type { Household, Person } from '../population.js';

/** `public_officials.category` values (CONTRACT.md §2). */
export type OfficialCategory = '公务员' | '参公' | '事业编' | '国企' | '村干部';

/** A person on the officials list (公职人员), with the dates of the post. */
export interface Official {
  readonly person: Person;
  readonly employer: string;
  readonly position: string;
  readonly category: OfficialCategory;
  /** The township the post belongs to; absent for county-level posts. */
  readonly township?: Township;
  /** The village of a village cadre. */
  readonly village?: Village;
  /** `YYYY-MM-DD`. */
  readonly start: string;
  /** `YYYY-MM-DD`; absent while in post. */
  readonly end?: string;
}

/** Someone the county finance bureau pays (财政供养人员), month by month. */
export interface PayrollEntry {
  readonly person: Person;
  readonly employer: string;
  readonly monthlyFen: number;
  /** Months paid (`YYYY-MM`), in order. */
  readonly months: readonly string[];
}

/** Social-insurance contributions of one person: month → contribution base in fen. */
export interface InsuranceEntry {
  readonly person: Person;
  readonly employer: string;
  readonly bases: ReadonlyMap<string, number>;
}

/** A registered market entity (市场主体). */
export interface Entity {
  readonly creditCode: string;
  readonly name: string;
  readonly type: '个体工商户' | '有限责任公司' | '农民专业合作社';
  readonly legalRep: Person;
  /** Registered capital in fen; `null` when the register leaves it blank (个体工商户 often do). */
  readonly capitalFen: number | null;
  readonly status: '存续' | '在业' | '注销' | '吊销';
  readonly established: string;
}

/** A real-estate registration (不动产登记). */
export interface Property {
  readonly owner: Person;
  readonly address: string;
  readonly usage: '住宅' | '商业' | '宅基地';
  readonly housingType: '商品房' | '自建房' | '宅基地';
  readonly areaSqm: number;
  readonly registered: string;
}

/** A motor-vehicle registration (机动车登记). */
export interface Vehicle {
  readonly owner: Person;
  readonly plate: string;
  readonly vehicleClass: string;
  readonly registered: string;
  readonly status: '正常' | '注销';
}

/** A household on the poverty register (建档立卡贫困户); all its registry members are listed. */
export interface PovertyHousehold {
  readonly household: Household;
  readonly status: '已脱贫' | '未脱贫';
  readonly identifiedYear: number;
  /** Absent while not exited. */
  readonly exitYear?: number;
}

/** Who built a livelihood project: a company (by credit code) or a person (by ID). */
export type Contractor =
  | { readonly kind: 'entity'; readonly entity: Entity }
  | { readonly kind: 'person'; readonly person: Person };

/** A livelihood project (民生项目). */
export interface Project {
  readonly code: string;
  readonly name: string;
  readonly department: string;
  readonly township: Township;
  readonly village?: Village;
  readonly budgetFen: number;
  readonly fundingSource: string;
  readonly contractor: Contractor;
  readonly tenderMethod: string;
  readonly start: string;
  readonly end: string;
  readonly status: '已完工' | '在建';
}

/** Who a village voucher paid: a person (with or without their ID on the voucher) or a business by name. */
export type Payee =
  | { readonly kind: 'person'; readonly person: Person; readonly withId: boolean }
  | { readonly kind: 'name'; readonly name: string };

/** A village bookkeeping entry (村级财务凭证). */
export interface Voucher {
  readonly village: Village;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly direction: '收入' | '支出';
  readonly category: string;
  readonly amountFen: number;
  readonly payee: Payee;
  readonly summary: string;
}

/**
 * Everything beyond households and subsidy payments: the other reference databases, the
 * poverty register, projects and village books. Filled by the background generator, then
 * by the plants, then written.
 */
export interface Society {
  readonly officials: Official[];
  readonly payroll: PayrollEntry[];
  readonly insurance: InsuranceEntry[];
  readonly entities: Entity[];
  readonly properties: Property[];
  readonly vehicles: Vehicle[];
  readonly poverty: PovertyHousehold[];
  readonly projects: Project[];
  readonly vouchers: Voucher[];
}
