/**
 * Calendar helpers on plain strings: months are `YYYY-MM`, dates `YYYY-MM-DD`.
 * Month arithmetic uses a month ordinal (year * 12 + month - 1) so no time zone is involved.
 */

/** Ordinal of a `YYYY-MM` month (or the month of a `YYYY-MM-DD` date). */
export function monthOrdinal(monthOrDate: string): number {
  const m = /^(\d{4})-(\d{2})/.exec(monthOrDate);
  if (!m) throw new Error(`not a month: ${monthOrDate}`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/** The `YYYY-MM` month of an ordinal. */
export function monthFromOrdinal(ordinal: number): string {
  const year = Math.floor(ordinal / 12);
  const month = (ordinal % 12) + 1;
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** `month` shifted by `delta` months. */
export function addMonths(month: string, delta: number): string {
  return monthFromOrdinal(monthOrdinal(month) + delta);
}

/** Number of days of a `YYYY-MM` month. */
export function daysInMonth(month: string): number {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  if (m === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** The `YYYY-MM-DD` date of a day of a month. */
export function dateIn(month: string, day: number): string {
  return `${month}-${String(day).padStart(2, '0')}`;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date (UTC calendar, no clock involved). */
export function epochDay(date: string): number {
  return Math.floor(
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000,
  );
}

/** Whole years between a birth date and a reference date. */
export function ageAt(birth: string, date: string): number {
  let age = Number(date.slice(0, 4)) - Number(birth.slice(0, 4));
  if (date.slice(5) < birth.slice(5)) age -= 1;
  return age;
}

/** Calendar quarter (1–4) of a `YYYY-MM` month. */
export function quarterOf(month: string): number {
  return Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1;
}
