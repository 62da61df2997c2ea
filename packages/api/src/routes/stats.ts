import { loadProgress } from '@jiandu/domain/datasets/board';
import type { LeadGroupStats } from '@jiandu/domain/stats';
import { reportStatistics } from '@jiandu/domain/stats';
import * as z from 'zod';
import { isCountyWide, townshipScope } from '../auth.js';
import { yuan } from '../views.js';
import { CreatedRange, checkCreatedRange, PlaceName, RuleCode } from './schemas.js';
import { type ApiDeps, callerQuery, clockOf, type RouteSpec } from './types.js';

const StatsQuery = z
  .object({ township: PlaceName.optional(), rule: RuleCode.optional(), ...CreatedRange })
  .superRefine(checkCreatedRange);

/** Money of a group in 元 (fen inside the platform). */
function inYuan<T extends LeadGroupStats>(group: T) {
  return {
    ...group,
    amountFound: yuan(group.amountFound),
    amountVerified: yuan(group.amountVerified),
    amountRecovered: yuan(group.amountRecovered),
  };
}

/**
 * The statistics page: leads by rule, township and status, money found/verified/recovered,
 * dispositions and per-rule precision; for county-wide staff also the data-entry progress
 * summary, and the reports (一键举报) received, acknowledged and concluded on time or late,
 * overdue now, and the average hours to acknowledge and to conclude, per office. Township
 * officers get their township's figures only (their office's reports).
 */
export function statsRoutes(deps: ApiDeps): RouteSpec[] {
  const now = clockOf(deps);
  return [
    {
      method: 'GET',
      path: '/api/v1/stats',
      access: ['inspector', 'admin', 'township_officer'],
      summary:
        'Lead statistics (by rule, township, status; amounts; dispositions; rule precision), report statistics and data progress',
      request: { query: StatsQuery },
      handle: async (c) => {
        const { principal, q } = callerQuery(c, StatsQuery);
        const township = townshipScope(principal, q.township);
        // From the sums the store keeps on every lead write: the time doesn't grow with the leads.
        const stats = await deps.leads.statistics({
          ...(township !== undefined ? { township } : {}),
          ...(q.rule ? { rule: q.rule } : {}),
          ...(q.createdFrom ? { createdFrom: q.createdFrom } : {}),
          ...(q.createdTo ? { createdTo: q.createdTo } : {}),
        });
        const asOf = now();
        // Reports are counted by the office handling them; lead filters (rule, dates) don't apply.
        const reports = reportStatistics(
          await deps.reports.repository.list(township !== undefined ? { office: township } : {}),
          asOf,
        );
        // Department progress is county business: township officers don't see it.
        const progress = isCountyWide(principal)
          ? await loadProgress(
              { versions: deps.versions, lateness: deps.datasets.lateness },
              deps.datasets.cadence,
              asOf,
            )
          : undefined;
        return c.json({
          asOf,
          scope: { township: township ?? null, rule: q.rule ?? null },
          leads: {
            total: stats.total,
            byStatus: stats.byStatus,
            byRule: stats.byRule.map(inYuan),
            byTownship: stats.byTownship.map(inYuan),
            amounts: {
              found: yuan(stats.amounts.found),
              verified: yuan(stats.amounts.verified),
              recovered: yuan(stats.amounts.recovered),
            },
            dispositions: stats.dispositions,
            precision: stats.precision,
            overdue: stats.overdue,
          },
          reports,
          ...(progress
            ? {
                progress: {
                  datasets: progress.length,
                  overdue: progress.filter((p) => p.overdue).length,
                  neverReceived: progress.filter((p) => p.expected && p.lastReceivedAt === null).length,
                  items: progress.map((p) => ({
                    department: p.department,
                    kind: p.kind,
                    kindLabel: p.kindLabel,
                    lastReceivedAt: p.lastReceivedAt,
                    errorRate: p.errorRate,
                    nextDueAt: p.nextDueAt,
                    overdue: p.overdue,
                    daysLate: p.daysLate,
                  })),
                },
              }
            : {}),
        });
      },
    },
  ];
}
