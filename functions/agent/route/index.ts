/**
 * Lead routing (pure domain): rules from config/routing.yaml, teams from config/team.yaml.
 *   const setup = shipped.routing();                           // functions/platform/shipped-files (read once)
 *   const match = matchRoute({ lead, enrichment, score }, setup);
 *   const { route, load } = decideRoute(match, setup, { tier, submittedAt, now, ticket, loads });
 * The ticket (a per-team sequence number) and the loads come from functions/platform/round-robin-dynamodb.
 */
export {
  type Absence,
  addBusinessMinutes,
  businessMinutesPerDay,
  type Calendar,
  inBusinessHours,
  isAbsent,
  nextBusinessMoment,
} from '../business-time';
export {
  describeWhen,
  FALLBACK_RULE_ID,
  leadHeadline,
  matchesWhen,
  matchRoute,
  type RouteInput,
  type RouteMatch,
  type RoutingFacts,
  routingFacts,
  THRESHOLD_RULE_ID,
} from './match';
export {
  DEFAULT_SLA,
  type DecideContext,
  type Decision,
  decideRoute,
  type SlaSettings,
  slaDueAt,
} from './route';
export {
  loadRoutingSetup,
  parseRoutingSetup,
  type RoutingFile,
  type RoutingFileInput,
  RoutingFileSchema,
  type RoutingRule,
  type RoutingSetup,
  RoutingValidationError,
  tierRank,
  type When,
} from './rules';
export {
  type Person,
  personCalendar,
  resolveTeams,
  shortName,
  type Team,
  type TeamFile,
  type TeamFileInput,
  TeamFileSchema,
  type TeamMember,
  type Teams,
} from './team';
export {
  buildCycle,
  type Pick,
  pickRep,
  pickRepDetailed,
  type RotationState,
  type SkipReason,
  slotOwner,
  teamCycle,
  unavailability,
} from './wrr';
