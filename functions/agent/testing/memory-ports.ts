/**
 * In-memory ports besides the store (./memory-store.ts) for unit tests and the ops CLI: a recording
 * `LeadQueue`, a rate limiter, and a per-team rotation that hands out one ticket per routed lead.
 */
import type { StepTiming } from '../lead-record';
import type { CrmNotice, CrmNotifier, LeadQueue, RateLimiter } from '../ports';
import type { Route, Tier } from '../qualification';
import { decideRoute, type RouteMatch, type RoutingSetup } from '../route';
import type { InMemoryLeadStore } from './memory-store';

export { InMemoryLeadStore } from './memory-store';

import type { LeadMessage } from '../pipeline/lead-message';

export class RecordingQueue implements LeadQueue {
  /** The messages, in order. */
  readonly sent: LeadMessage[] = [];
  /** The messages with the delay each was sent with. */
  readonly delivered: { message: LeadMessage; delaySeconds: number }[] = [];
  async send(message: LeadMessage, options?: { delaySeconds?: number }): Promise<void> {
    this.sent.push(structuredClone(message));
    this.delivered.push({ message: structuredClone(message), delaySeconds: options?.delaySeconds ?? 0 });
  }
}

/** A rotation per team in memory: like round-robin-dynamodb, a lead that already has a route keeps it. */
export const memoryRotation = (store: InMemoryLeadStore, setup: RoutingSetup, now: () => Date) => {
  const seq = new Map<string, number>();
  /** The team's open leads per rep, from the store's load counters (released when a lead closes). */
  const teamLoads = (team: string): Record<string, number> =>
    Object.fromEntries(
      [...store.loads]
        .filter(([key]) => key.startsWith(`${team}#`))
        .map(([key, n]) => [key.slice(team.length + 1), n]),
    );
  const assign = async (input: {
    leadId: string;
    match: RouteMatch;
    tier: Tier;
    submittedAt: string;
    /** Recorded with a newly stored route, as the DynamoDB rotation writes it with the route. */
    routeStep?: () => StepTiming;
  }): Promise<Route> => {
    const existing = (await store.get(input.leadId))?.route;
    if (existing) return existing;
    const team = input.match.kind === 'team' ? input.match.team : undefined;
    const ticket = team ? (seq.get(team) ?? 0) + 1 : undefined;
    const { route, load } = decideRoute(input.match, setup, {
      tier: input.tier,
      submittedAt: input.submittedAt,
      now: now(),
      ...(ticket !== undefined ? { ticket } : {}),
      ...(team ? { loads: teamLoads(team) } : {}),
    });
    if (team && ticket !== undefined) seq.set(team, ticket);
    const stored = await store.storeRoute(
      input.leadId,
      route,
      load ? `${load.team}#${load.repId}` : undefined,
    );
    if (input.routeStep) await store.recordSteps(input.leadId, { route: input.routeStep() });
    return stored;
  };
  return { assign, seq, teamLoads };
};

/** A fixed-window limiter in memory: `limit` requests per source and minute. */
export const memoryRateLimiter = (): RateLimiter & { readonly hits: Map<string, number> } => {
  const hits = new Map<string, number>();
  return {
    hits,
    async consume(source, limitPerMinute, now) {
      const minute = Math.floor(now.getTime() / 60_000);
      const key = `${source}#${minute}`;
      const n = (hits.get(key) ?? 0) + 1;
      hits.set(key, n);
      return {
        allowed: n <= limitPerMinute,
        retryAfterSeconds: 60 - Math.floor((now.getTime() % 60_000) / 1000),
      };
    },
  };
};

/** A `CrmNotifier` that records every notice (or, with `fail`, throws as a broken adapter would). */
export class RecordingCrmNotifier implements CrmNotifier {
  readonly notices: CrmNotice[] = [];
  constructor(private readonly fail = false) {}
  async notify(notice: CrmNotice): Promise<void> {
    if (this.fail) throw new Error('CRM queue unavailable');
    this.notices.push(structuredClone(notice));
  }
}
