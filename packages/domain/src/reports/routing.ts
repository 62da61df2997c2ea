import { type DivisionIndex, normalizeTownshipName, normalizeVillageName } from '../normalize/division.js';

/** Where a report is about and which office handles it. */
export interface ReportRouting {
  /** The township as resolved (canonical name when the divisions know it), if given. */
  readonly township?: string;
  /** The village as resolved, if given. */
  readonly village?: string;
  /**
   * The township whose discipline office (乡镇纪委) handles the report, or `null` for the
   * county commission (县纪委监委): county-level reports and places nobody can place.
   */
  readonly office: string | null;
  /**
   * When the place was read differently from what was typed (a village of another township, a
   * name the divisions don't know): where the report went and why, in Chinese, for the receipt.
   */
  readonly explanation?: string;
}

/** The label of an office, for reporters and lists. */
export function officeLabel(office: string | null): string {
  return office === null ? '县纪委监委' : `${office}纪委`;
}

const blankToUndefined = (value: string): string | undefined => (value === '' ? undefined : value);

/**
 * Route a report by the place it is about (issue 5: "routed to the responsible office"):
 *
 * - a reporter who asks for it (`toCounty`, e.g. because the complaint is about the township
 *   itself) goes straight to the county commission, the place kept as given/resolved;
 * - with the county's divisions (`divisions` in force): a village that resolves goes to its
 *   township's office (the village wins over a township the reporter got wrong); else a
 *   township that resolves goes to its office; anything unknown goes to the county;
 * - without divisions (none uploaded yet): a given township goes to that township's office
 *   (names normalized as uploads normalize them), otherwise the county.
 */
export function routeReport(
  place: { readonly township?: string | undefined; readonly village?: string | undefined },
  divisions?: DivisionIndex,
  options: { readonly toCounty?: boolean | undefined } = {},
): ReportRouting {
  const { explanation, ...routed } = routeByPlace(place, divisions);
  // The reporter chose the county commission: nothing was re-routed behind their back.
  if (options.toCounty) return { ...routed, office: null };
  return explanation ? { ...routed, explanation } : routed;
}

function routeByPlace(
  place: { readonly township?: string | undefined; readonly village?: string | undefined },
  divisions?: DivisionIndex,
): ReportRouting {
  const township = blankToUndefined(normalizeTownshipName(place.township));
  const village = blankToUndefined(normalizeVillageName(place.village));
  if (!divisions) {
    return {
      ...(township ? { township } : {}),
      ...(village ? { village } : {}),
      office: township ?? null,
    };
  }
  if (village) {
    // The township narrows villages of the same name; a village that only exists elsewhere wins.
    let v = divisions.resolveVillage(village, township);
    const elsewhere = !v.code && township !== undefined;
    if (elsewhere) v = divisions.resolveVillage(village, undefined);
    if (v.code && v.township) {
      const office = v.township.name;
      return {
        township: office,
        village: v.name,
        office,
        ...(elsewhere && township
          ? {
              explanation: `您填写的“${village}”属于${office}，不在“${township}”，举报已转${officeLabel(office)}办理`,
            }
          : {}),
      };
    }
  }
  const missingVillage = village
    ? divisions.resolveVillage(village).warning?.includes('多个')
      ? `“${village}”在多个乡镇都有，请同时填写乡镇`
      : `本县行政区划中没有“${village}”`
    : undefined;
  if (township) {
    const t = divisions.resolveTownship(township);
    if (t.code)
      return {
        township: t.name,
        ...(village ? { village } : {}),
        office: t.name,
        ...(missingVillage
          ? { explanation: `${missingVillage}，举报按乡镇转${officeLabel(t.name)}办理` }
          : {}),
      };
  }
  const missing = [township && `本县行政区划中没有“${township}”`, missingVillage].filter(Boolean).join('；');
  return {
    ...(township ? { township } : {}),
    ...(village ? { village } : {}),
    office: null,
    ...(missing ? { explanation: `${missing}，举报已转${officeLabel(null)}，由其确定承办单位` } : {}),
  };
}
