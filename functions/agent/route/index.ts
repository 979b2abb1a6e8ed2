/**
 * Lead routing (pure domain): rules from config/routing.yaml, teams from config/team.yaml.
 *   const setup = shipped.routing();                           // functions/platform/shipped-files (read once)
 *   const match = matchRoute({ lead, enrichment, score }, setup);
 *   const plan = rotationPlan(team, { loads, now });               // who is available: the ticket sequence
 *   const { route, load } = decideRoute(match, setup, { tier, submittedAt, now, ticket, loads });
 * The ticket (from the availability set's own sequence) and the loads of capped reps come from
 * functions/platform/round-robin-dynamodb.
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
  calendarUnavailability,
  capacityCandidates,
  memberForTicket,
  type Pick,
  pickRep,
  pickRepDetailed,
  prefixBound,
  type RotationPlan,
  type RotationSet,
  type RotationState,
  rotationPlan,
  rotationSet,
  type SkipReason,
  slotOwner,
  teamCycle,
  unavailability,
} from './wrr';
