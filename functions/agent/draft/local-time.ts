/** A due time as a rep reads it: weekday, day, month and time in the team's time zone, with the zone's name. */
import type { Language } from '../lead';

/** The time zone used when the team's calendar does not say. */
export const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

/** "Tue 3 Mar, 09:14 CET" (en) or "di 3 mrt, 09:14 CET" (nl) in `timeZone`; the ISO text when unreadable. */
export const localDue = (iso: string, timeZone: string, lang: Language): string => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    }).format(d);
  } catch {
    return iso;
  }
};
