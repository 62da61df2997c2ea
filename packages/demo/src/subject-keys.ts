/**
 * The subject keys the platform's rules give their leads (`Finding.subjectKey`), per rule and
 * "one lead per" column of CONTRACT.md §5. The truth uses these so a measured lead can be
 * paired with an expected one; they follow the rules' documented key formats.
 */
export const subjectKeys = {
  /** person + program. */
  R01: (id18: string, program: string): string => `${id18}|${program}`,
  /** poverty household. */
  R02: (householdNo: string): string => householdNo,
  R03: (householdNo: string): string => householdNo,
  /** person + program. */
  R04: (id18: string, program: string): string => `${id18}|${program}`,
  /** person + program, `POVERTY` for poor-household members. */
  R05: (id18: string, program: string): string => `${id18}|${program}`,
  /** person + program + month. */
  R06: (id18: string, program: string, month: string): string => `${id18}|${program}|${month}`,
  R07: (id18: string, program: string): string => `${id18}|${program}`,
  R08: (id18: string, program: string): string => `${id18}|${program}`,
  /** village + payee. */
  R09: (township: string, village: string, payee: string): string => `${township}|${village}|${payee}`,
  R10: (township: string, village: string, payee: string): string => `${township}|${village}|${payee}`,
  /** village + year. */
  R11: (township: string, village: string, year: string): string => `${township}|${village}|${year}`,
  /** project. */
  R12: (projectCode: string): string => projectCode,
} as const;
