/** Reads `config/handoff.yaml` (or `HANDOFF_FILE`) once per container. The only I/O of functions/agent/handoff. */
import { readBundledFile } from '../bundled-file';
import type { LeadRecord } from '../lead-record';
import type { Calendar } from '../route/calendar';
import type { Teams } from '../route/team';
import { type HandoffPolicy, parseHandoffYaml } from './policy';

export const loadHandoffFile = (path: string | undefined = process.env.HANDOFF_FILE): HandoffPolicy =>
  parseHandoffYaml(readBundledFile('config/handoff.yaml', path, 'HANDOFF_FILE'));

let cached: HandoffPolicy | undefined;
export const defaultHandoffPolicy = (): HandoffPolicy => {
  cached ??= loadHandoffFile();
  return cached;
};

/** The calendar `businessHoursOnly` uses: the owner's team's, else the default one of team.yaml. */
export const teamCalendar =
  (teams: Teams) =>
  (record: LeadRecord): Calendar | undefined =>
    (record.route?.team ? teams.teams.get(record.route.team)?.calendar : undefined) ?? teams.calendar;
