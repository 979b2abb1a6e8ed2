/**
 * npm run eval:quality — runs the labelled leads through intake, scoring, disposition and routing with the
 * shipped configuration and prints agreement per field and the confusion tables (markdown).
 */
import { shippedDispositions } from '../../functions/platform/shipped-dispositions';
import { shippedIntakeSettings } from '../../functions/platform/shipped-intake';
import { shippedRouting } from '../../functions/platform/shipped-routing';
import { shippedRules } from '../../functions/platform/shipped-rules';
import { evaluate, formatReport, readCases } from './evaluate';

/** A fixed Tuesday morning in Amsterdam, so office hours and timelines read the same every run. */
export const EVAL_NOW = new Date('2025-12-02T09:30:00Z');

const results = await evaluate(readCases(), {
  intake: shippedIntakeSettings(),
  rules: shippedRules(),
  routing: shippedRouting(),
  dispositions: shippedDispositions(),
  now: EVAL_NOW,
});
console.log(formatReport(results));
