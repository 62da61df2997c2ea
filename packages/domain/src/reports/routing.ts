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
  const routed = routeByPlace(place, divisions);
  return options.toCounty ? { ...routed, office: null } : routed;
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
    if (!v.code && township) v = divisions.resolveVillage(village);
    if (v.code && v.township) {
      return { township: v.township.name, village: v.name, office: v.township.name };
    }
  }
  if (township) {
    const t = divisions.resolveTownship(township);
    if (t.code) return { township: t.name, ...(village ? { village } : {}), office: t.name };
  }
  return { ...(township ? { township } : {}), ...(village ? { village } : {}), office: null };
}
