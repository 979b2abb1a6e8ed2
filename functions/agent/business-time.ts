/**
 * Business time in a team's, rep's or lead's own time zone: working days, working hours, holidays and
 * out-of-office periods. The one model of business time: scoring asks whether a lead submitted in office
 * hours, routing counts SLA deadlines ("one business day" = the working hours of one day) and rep
 * availability, the handoff schedules auto-sends for the next opening. Pure: `Intl` only, no I/O.
 */

/** A working calendar. `workingDays` are ISO weekdays (1 = Monday … 7 = Sunday); hours are local HH:MM. */
export interface Calendar {
  readonly timeZone: string;
  readonly workingDays: readonly number[];
  readonly hours: { readonly start: string; readonly end: string };
  /** Local dates (YYYY-MM-DD) with no business hours. */
  readonly holidays?: readonly string[];
}

/** A local calendar date. */
interface CivilDate {
  y: number;
  m: number;
  d: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

let canonicalZones: ReadonlySet<string> | undefined;

/**
 * Whether `Intl.DateTimeFormat` accepts `timeZone` (the config schema's check, which then names an unknown
 * zone). A canonical IANA name is found in the runtime's own list (`Intl.supportedValuesOf`, a few ms), so
 * validating a team file at cold start loads no date formatting data (the first formatter costs about 20 ms);
 * any other name (an alias such as "UTC" or "Asia/Calcutta", or an unknown one) is tried with a formatter.
 */
export function isValidTimeZone(timeZone: string): boolean {
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonicalZones.has(timeZone)) return true;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local wall-clock parts of an instant in `timeZone`. */
export function localParts(at: Date, timeZone: string) {
  const out = { y: 0, m: 0, d: 0, hh: 0, mm: 0, ss: 0 };
  for (const p of formatterFor(timeZone).formatToParts(at)) {
    if (p.type === 'year') out.y = Number(p.value);
    else if (p.type === 'month') out.m = Number(p.value);
    else if (p.type === 'day') out.d = Number(p.value);
    else if (p.type === 'hour') out.hh = Number(p.value);
    else if (p.type === 'minute') out.mm = Number(p.value);
    else if (p.type === 'second') out.ss = Number(p.value);
  }
  return out;
}

/** The instant at local wall time `date hh:mm` in `timeZone` (DST gaps resolve forward). */
export function zonedTime(date: CivilDate, minutes: number, timeZone: string): Date {
  const guess = Date.UTC(date.y, date.m - 1, date.d, 0, minutes);
  const offsetAt = (ms: number) => {
    const p = localParts(new Date(ms), timeZone);
    return Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm, p.ss) - Math.floor(ms / 1000) * 1000;
  };
  let ms = guess - offsetAt(guess);
  const second = guess - offsetAt(ms);
  if (second !== ms) ms = second;
  return new Date(ms);
}

export const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
};

const isoDate = (c: CivilDate): string =>
  `${String(c.y).padStart(4, '0')}-${String(c.m).padStart(2, '0')}-${String(c.d).padStart(2, '0')}`;

const addDays = (c: CivilDate, n: number): CivilDate => {
  const t = new Date(Date.UTC(c.y, c.m - 1, c.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};

/** ISO weekday of a civil date: 1 = Monday … 7 = Sunday. */
const isoWeekday = (c: CivilDate): number => {
  const w = new Date(Date.UTC(c.y, c.m - 1, c.d)).getUTCDay();
  return w === 0 ? 7 : w;
};

const isBusinessDay = (c: CivilDate, cal: Calendar): boolean =>
  cal.workingDays.includes(isoWeekday(c)) && !(cal.holidays ?? []).includes(isoDate(c));

/** Whether `at` is inside working hours on a working day of `cal`. */
export function inBusinessHours(at: Date, cal: Calendar): boolean {
  const p = localParts(at, cal.timeZone);
  if (!isBusinessDay(p, cal)) return false;
  const mins = p.hh * 60 + p.mm;
  return mins >= minutesOf(cal.hours.start) && mins < minutesOf(cal.hours.end);
}

/** Minutes of business time in one working day of `cal`. */
export const businessMinutesPerDay = (cal: Calendar): number =>
  Math.max(0, minutesOf(cal.hours.end) - minutesOf(cal.hours.start));

/** Safety bound: a calendar with no business time at all would otherwise loop forever. */
const MAX_DAYS = 3 * 366;

/**
 * `start` plus `minutes` of business time in `cal`: time outside working hours, on non-working days and
 * on holidays does not count. `minutes = 0` gives the next moment business time runs (start itself when
 * it is inside working hours). Throws when the calendar has no business time within three years.
 */
export function addBusinessMinutes(start: Date, minutes: number, cal: Calendar): Date {
  const open = minutesOf(cal.hours.start);
  const close = minutesOf(cal.hours.end);
  let remaining = minutes;
  let cursor = start.getTime();
  let day: CivilDate = localParts(start, cal.timeZone);
  for (let i = 0; i < MAX_DAYS; i++, day = addDays(day, 1)) {
    if (!isBusinessDay(day, cal) || close <= open) continue;
    const opensAt = zonedTime(day, open, cal.timeZone).getTime();
    const closesAt = zonedTime(day, close, cal.timeZone).getTime();
    if (cursor < opensAt) cursor = opensAt;
    if (cursor >= closesAt) continue;
    const available = (closesAt - cursor) / 60_000;
    if (remaining <= available) return new Date(cursor + remaining * 60_000);
    remaining -= available;
    cursor = closesAt;
  }
  throw new Error(`calendar ${cal.timeZone} has no business hours in ${MAX_DAYS} days`);
}

/** The next moment business time runs in `cal` at or after `at`. */
export const nextBusinessMoment = (at: Date, cal: Calendar): Date => addBusinessMinutes(at, 0, cal);

/** An out-of-office period: local dates (whole days, inclusive) or ISO date-times with offset. */
export interface Absence {
  readonly from: string;
  readonly to: string;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `at` falls in one of `absences`; date-only bounds are whole local days in `timeZone`, inclusive. */
export function isAbsent(at: Date, absences: readonly Absence[], timeZone: string): boolean {
  if (absences.length === 0) return false;
  const localDate = isoDate(localParts(at, timeZone));
  const ms = at.getTime();
  return absences.some((a) => {
    const afterFrom = DATE_ONLY.test(a.from) ? localDate >= a.from : ms >= Date.parse(a.from);
    const beforeTo = DATE_ONLY.test(a.to) ? localDate <= a.to : ms < Date.parse(a.to);
    return afterFrom && beforeTo;
  });
}
