/**
 * The shapes of the API answers the page reads. The report routes' types come from the
 * server itself (type-only imports: nothing of the API is bundled); the disclosure routes'
 * follow the public API of the guide (README "Public API").
 */
import type { filingReceipt, receiptView } from '@jiandu/api/report-views';
import type { LookupBody, PublicReportBody } from '@jiandu/api/routes/reports';
import type { PowChallenge } from '@jiandu/domain/reports/proof-of-work';
import type * as z from 'zod';

export type { PowChallenge };
/** POST /api/v1/public/reports body. */
export type ReportFiling = z.input<typeof PublicReportBody>;
/** POST /api/v1/public/reports answer (201). */
export type FilingReceipt = ReturnType<typeof filingReceipt>;
/** POST /api/v1/public/reports/lookup body and answer. */
export type ReceiptLookup = z.input<typeof LookupBody>;
export type ReceiptView = ReturnType<typeof receiptView>;

/** Every error of the API: a code and a Chinese message saying what to do. */
export interface ApiError {
  readonly error: { readonly code: string; readonly message: string };
}

/** A page of a cursor-paginated list. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string | null;
}

/** GET /api/v1/public/divisions */
export interface Division {
  readonly code: string;
  readonly name: string;
  readonly level: string;
  readonly parentCode?: string | null;
}

/** GET /api/v1/public/totals */
export interface Total {
  readonly key: string;
  readonly label: string;
  readonly amount: number;
  readonly recipients: number;
  readonly payments: number;
}

/** GET /api/v1/public/payments (names masked by the API) */
export interface PublicPayment {
  readonly name: string;
  readonly township: string;
  readonly village: string;
  readonly program: string;
  readonly programName: string;
  readonly amount: number;
  readonly payDate: string;
  readonly period?: string;
}

/** POST /api/v1/public/lookup body and one row of its answer. */
export interface PersonalLookup {
  readonly name: string;
  readonly idNumber: string;
}
export interface MyPayment {
  readonly name: string;
  readonly relation: 'self' | 'household';
  readonly program: string;
  readonly programName: string;
  readonly amount: number;
  readonly payDate: string;
  readonly township: string;
  readonly village: string;
}

/** GET /api/v1/public/village-finance */
export interface VillageFinance {
  readonly village: { readonly code: string; readonly name: string; readonly township: string };
  readonly year: number;
  readonly income: { readonly total: number; readonly bySource: readonly CategoryAmount[] };
  readonly expenditure: { readonly total: number; readonly byCategory: readonly CategoryAmount[] };
  readonly items: readonly FinanceItem[];
}
export interface CategoryAmount {
  readonly category: string;
  readonly amount: number;
}
export interface FinanceItem {
  readonly date: string;
  readonly voucherNo: string;
  readonly direction: string;
  readonly category: string;
  readonly counterparty: string;
  readonly amount: number;
  readonly summary: string;
}

/** GET /api/v1/public/projects */
export interface Project {
  readonly code: string;
  readonly name: string;
  readonly department: string;
  readonly township: string;
  readonly village: string;
  readonly budget: number | null;
  readonly fundingSource: string;
  readonly contractor: string;
  readonly tenderMethod: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly status: string;
}

/** GET /api/v1/public/notices */
export interface Notice {
  readonly township: string;
  readonly village: string;
  readonly level: string;
  readonly category: string;
  readonly title: string;
  readonly body: string;
  readonly publishDate: string;
}
