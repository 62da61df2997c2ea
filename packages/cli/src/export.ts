/**
 * `leads export`: the lead export of CONTRACT.md §6 (CSV with BOM, or XLSX), as the API
 * serves it at `GET /api/v1/leads/export`, written to a file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ApiClient } from './api.js';

/** Export formats. */
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What to export, filtered as the API allows. */
export interface ExportRequest {
  readonly format: ExportFormat;
  readonly out: string;
  readonly rule?: string;
  readonly status?: string;
  readonly township?: string;
  /**
   * Lowest score exported. Without it the API applies the lead list's default view, which
   * hides scores below `LEAD_LIST_MIN_SCORE` (20); `0` exports every lead the platform found.
   */
  readonly minScore?: number;
  /** `canonical`: the contract's column names and codes (default: Chinese headers and labels). */
  readonly headers?: 'canonical';
}

/** Fetch the export and write it to `request.out`; returns the number of bytes written. */
export async function exportLeads(api: ApiClient, request: ExportRequest): Promise<number> {
  const res = await api.get('/api/v1/leads/export', {
    format: request.format,
    rule: request.rule,
    status: request.status,
    township: request.township,
    minScore: request.minScore?.toString(),
    headers: request.headers,
  });
  const body = new Uint8Array(await res.arrayBuffer());
  mkdirSync(dirname(request.out), { recursive: true });
  writeFileSync(request.out, body);
  return body.byteLength;
}
