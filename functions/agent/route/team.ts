/**
 * The team file (`config/team.yaml`): people (reps, managers, marketing, ops — reusable by the auth layer),
 * teams with weighted members and capacity caps, and working calendars. `TeamFileSchema` validates it;
 * `resolveTeams` turns it into the `Team` / `TeamMember` objects routing works with. Pure: no I/O.
 */
import * as z from 'zod';
import { type Absence, type Calendar, isValidTimeZone } from '../business-time';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected HH:MM (24h)' });
const DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date YYYY-MM-DD' });
const DATE_OR_DATETIME = z.union([DATE, z.iso.datetime({ offset: true })], {
  error: 'expected a date YYYY-MM-DD or an ISO date-time with offset',
});
const ID = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected kebab-case: lower-case letters, digits and dashes' });
const TimeZone = z
  .string()
  .refine(isValidTimeZone, { error: 'unknown IANA time zone (e.g. Europe/Amsterdam)' })
  .meta({ description: 'IANA time zone, e.g. Europe/Amsterdam.' });
const WorkingDays = z
  .array(z.number().int().min(1).max(7))
  .min(1)
  .meta({ description: 'ISO weekdays, 1 = Monday … 7 = Sunday.' });
const Hours = z
  .strictObject({ start: HHMM, end: HHMM })
  .refine((h) => h.start < h.end, { error: 'start must be before end' });

export const CalendarSchema = z.strictObject({
  timeZone: TimeZone,
  workingDays: WorkingDays,
  hours: Hours,
  holidays: z.array(DATE).default([]).meta({ description: 'Local dates without business hours.' }),
});

export const AbsenceSchema = z
  .strictObject({ from: DATE_OR_DATETIME, to: DATE_OR_DATETIME, note: z.string().max(200).optional() })
  .meta({ description: 'Out of office; dates are whole local days, inclusive.' });

export const ROLES = ['rep', 'manager', 'marketing', 'ops'] as const;

export const PersonSchema = z.strictObject({
  id: ID.meta({ description: 'Stable id, e.g. rep-anna; used as ownerId and by the auth layer.' }),
  name: z.string().min(1).max(200),
  displayName: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'Short name in reasons; default: first name.' }),
  email: z.email({ error: 'expected an email address' }),
  title: z.string().min(1).max(200),
  role: z.enum(ROLES),
  languages: z.array(z.string().regex(/^[a-z]{2}$/, { error: 'expected ISO 639-1, e.g. nl' })).min(1),
  bookingUrl: z.url({ error: 'expected a URL' }).optional(),
  timeZone: TimeZone.optional().meta({ description: "Default: the team's time zone." }),
  workingDays: WorkingDays.optional().meta({ description: "Default: the team's working days." }),
  hours: Hours.optional().meta({ description: "Default: the team's hours." }),
  outOfOffice: z.array(AbsenceSchema).default([]),
});
export type Person = z.infer<typeof PersonSchema>;

export const MemberSchema = z.strictObject({
  person: ID,
  weight: z
    .number()
    .int({ error: 'expected a whole number ≥ 1' })
    .min(1, { error: 'expected a whole number ≥ 1' })
    .max(100)
    .default(1)
    .meta({ description: 'Share of the rotation: weight 2 gets twice the leads of weight 1.' }),
  maxOpenLeads: z
    .number()
    .int()
    .positive()
    .nullable()
    .default(null)
    .meta({ description: 'Capacity cap: skipped in the rotation at this many open leads (null: no cap).' }),
});

export const TeamSchema = z.strictObject({
  id: ID,
  name: z.string().min(1).max(100).meta({ description: 'As reps read it, e.g. "SMB team".' }),
  calendar: CalendarSchema.partial().optional().meta({ description: 'Overrides of the default calendar.' }),
  fallbackOwner: ID.optional().meta({ description: 'When no member is available; default: the global one.' }),
  members: z.array(MemberSchema).min(1),
});

export const TeamFileSchema = z
  .strictObject({
    version: z.string().min(1),
    calendar: CalendarSchema.meta({ description: 'Default working calendar for teams and people.' }),
    fallbackOwner: ID.meta({ description: 'Owner of last resort (usually the sales manager).' }),
    people: z.array(PersonSchema).min(1),
    teams: z.array(TeamSchema).min(1),
  })
  .superRefine((f, ctx) => {
    const people = new Map<string, number>();
    f.people.forEach((p, i) => {
      if (people.has(p.id))
        ctx.addIssue({
          code: 'custom',
          path: ['people', i, 'id'],
          message: `duplicate id (also people[${people.get(p.id)}])`,
        });
      people.set(p.id, i);
    });
    const known = [...people.keys()].join(', ');
    if (!people.has(f.fallbackOwner))
      ctx.addIssue({
        code: 'custom',
        path: ['fallbackOwner'],
        message: `unknown person "${f.fallbackOwner}" (people: ${known})`,
      });
    const teams = new Map<string, number>();
    f.teams.forEach((t, i) => {
      if (teams.has(t.id))
        ctx.addIssue({
          code: 'custom',
          path: ['teams', i, 'id'],
          message: `duplicate id (also teams[${teams.get(t.id)}])`,
        });
      teams.set(t.id, i);
      if (t.fallbackOwner && !people.has(t.fallbackOwner))
        ctx.addIssue({
          code: 'custom',
          path: ['teams', i, 'fallbackOwner'],
          message: `unknown person "${t.fallbackOwner}" (people: ${known})`,
        });
      const seen = new Set<string>();
      t.members.forEach((m, j) => {
        if (!people.has(m.person))
          ctx.addIssue({
            code: 'custom',
            path: ['teams', i, 'members', j, 'person'],
            message: `unknown person "${m.person}" (people: ${known})`,
          });
        if (seen.has(m.person))
          ctx.addIssue({
            code: 'custom',
            path: ['teams', i, 'members', j, 'person'],
            message: 'listed twice',
          });
        seen.add(m.person);
      });
      const total = t.members.reduce((s, m) => s + m.weight, 0);
      if (total > 1000)
        ctx.addIssue({
          code: 'custom',
          path: ['teams', i, 'members'],
          message: `weights add up to ${total}; keep it ≤ 1000`,
        });
    });
  });
export type TeamFile = z.infer<typeof TeamFileSchema>;
export type TeamFileInput = z.input<typeof TeamFileSchema>;

/** A team member as the rotation sees it: the person, the weight, the cap and their own calendar. */
export interface TeamMember {
  readonly person: Person;
  readonly weight: number;
  readonly maxOpenLeads: number | null;
  /** The person's calendar: their own zone/days/hours over the team's; the team's holidays. */
  readonly calendar: Calendar;
  readonly outOfOffice: readonly Absence[];
}

export interface Team {
  readonly id: string;
  readonly name: string;
  readonly calendar: Calendar;
  readonly fallbackOwner: Person;
  readonly members: readonly TeamMember[];
}

export interface Teams {
  readonly version: string;
  readonly calendar: Calendar;
  readonly fallbackOwner: Person;
  readonly people: ReadonlyMap<string, Person>;
  readonly teams: ReadonlyMap<string, Team>;
}

/** A person's own calendar over a base calendar (a person outside any team uses the default one). */
export const personCalendar = (person: Person, base: Calendar): Calendar => ({
  timeZone: person.timeZone ?? base.timeZone,
  workingDays: person.workingDays ?? base.workingDays,
  hours: person.hours ?? base.hours,
  holidays: base.holidays ?? [],
});

/** The short name reasons use ("Bram"). */
export const shortName = (person: Person): string =>
  person.displayName ?? person.name.split(/\s+/)[0] ?? person.id;

/** Builds the lookup structures from a validated team file. */
export function resolveTeams(file: TeamFile): Teams {
  const people = new Map(file.people.map((p) => [p.id, p] as const));
  const person = (id: string): Person => {
    const p = people.get(id);
    if (!p) throw new Error(`unknown person ${id}`);
    return p;
  };
  const teams = new Map<string, Team>();
  for (const t of file.teams) {
    const calendar: Calendar = { ...file.calendar, ...t.calendar };
    teams.set(t.id, {
      id: t.id,
      name: t.name,
      calendar,
      fallbackOwner: person(t.fallbackOwner ?? file.fallbackOwner),
      members: t.members.map((m) => {
        const p = person(m.person);
        return {
          person: p,
          weight: m.weight,
          maxOpenLeads: m.maxOpenLeads,
          calendar: personCalendar(p, calendar),
          outOfOffice: p.outOfOffice,
        };
      }),
    });
  }
  return {
    version: file.version,
    calendar: file.calendar,
    fallbackOwner: person(file.fallbackOwner),
    people,
    teams,
  };
}
