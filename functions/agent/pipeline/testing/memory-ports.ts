/**
 * In-memory ports for the pipeline orchestrators (unit tests, the ops CLI): a `LeadStore` with the same
 * conditional semantics as the DynamoDB adapter (each step's result is stored once; a second write loses),
 * a recording `LeadQueue`, and a per-team rotation that hands out one ticket per routed lead.
 */
import type { LeadError, LeadRecord, PipelineStep, StepTiming } from '../../lead-record';
import type { CreateLeadResult, LeadQueue, LeadStore } from '../../ports';
import type { LeadStatus, Route, Tier } from '../../qualification';
import { decideRoute, type RouteMatch, type RoutingSetup } from '../../route';
import type { LeadMessage } from '../lead-message';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class InMemoryLeadStore implements LeadStore {
  readonly records = new Map<string, Mutable<LeadRecord>>();
  readonly outbox = new Map<string, string>();
  private readonly dedup = new Map<string, string>();

  /** Puts a record directly (a lead that intake stored earlier). */
  seed(record: LeadRecord): void {
    this.records.set(record.leadId, structuredClone(record) as Mutable<LeadRecord>);
  }

  async create(
    record: LeadRecord,
    options: { dedupWindowSeconds: number; pendingEnqueue: boolean },
  ): Promise<CreateLeadResult> {
    const existing = this.dedup.get(record.dedupKey);
    if (existing) {
      return { created: false, leadId: existing, status: this.records.get(existing)?.status ?? 'received' };
    }
    this.dedup.set(record.dedupKey, record.leadId);
    this.seed(record);
    if (options.pendingEnqueue) this.outbox.set(record.leadId, record.receivedAt);
    return { created: true, leadId: record.leadId };
  }

  async get(leadId: string): Promise<LeadRecord | undefined> {
    const record = this.records.get(leadId);
    return record ? structuredClone(record) : undefined;
  }

  private readonly sweeps = new Map<string, number>();

  async rearmOutbox(leadId: string): Promise<number> {
    if (!this.outbox.has(leadId)) return 0;
    this.outbox.set(leadId, new Date().toISOString());
    const n = (this.sweeps.get(leadId) ?? 0) + 1;
    this.sweeps.set(leadId, n);
    return n;
  }

  async listOutbox(olderThanSeconds: number, limit: number): Promise<string[]> {
    const cutoff = Date.now() - olderThanSeconds * 1000;
    return [...this.outbox.entries()]
      .filter(([, at]) => Date.parse(at) <= cutoff)
      .map(([id]) => id)
      .slice(0, limit);
  }

  async saveQualification(
    leadId: string,
    result: Parameters<LeadStore['saveQualification']>[1],
  ): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record || record.score) return false;
    record.enrichment = structuredClone(result.enrichment);
    record.score = structuredClone(result.score);
    record.steps = { ...record.steps, ...result.steps };
    // Still in the outbox until drafted; the sweeper's clock restarts.
    if (this.outbox.has(leadId)) this.outbox.set(leadId, new Date().toISOString());
    return true;
  }

  async recordSteps(leadId: string, steps: Partial<Record<PipelineStep, StepTiming>>): Promise<void> {
    const record = this.records.get(leadId);
    if (!record) throw new Error(`no lead ${leadId}`);
    record.steps = { ...record.steps, ...steps };
  }

  async saveDraft(leadId: string, result: Parameters<LeadStore['saveDraft']>[1]): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record || record.rationale) return false;
    record.rationale = structuredClone(result.rationale);
    if (result.draft) record.draft = structuredClone(result.draft);
    record.status = result.status;
    record.steps = { ...record.steps, ...result.steps };
    this.outbox.delete(leadId);
    return true;
  }

  async recordError(leadId: string, error: LeadError, final: boolean): Promise<void> {
    const record = this.records.get(leadId);
    if (!record) throw new Error(`no lead ${leadId}`);
    record.error = error;
    if (final) {
      record.status = 'failed';
      this.outbox.delete(leadId);
    }
  }

  async setStatus(leadId: string, status: LeadStatus, expected: readonly LeadStatus[]): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record || !expected.includes(record.status)) return false;
    record.status = status;
    return true;
  }

  /** What the rotation adapter does on the lead: the route once, with the matching status. */
  storeRoute(leadId: string, route: Route): Route {
    const record = this.records.get(leadId);
    if (!record) throw new Error(`no lead ${leadId}`);
    if (record.route) return structuredClone(record.route);
    record.route = structuredClone(route);
    record.status = route.kind === 'nurture' ? 'nurture' : 'routed';
    return route;
  }
}

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
  const loads = new Map<string, Record<string, number>>();
  const assign = async (input: {
    leadId: string;
    match: RouteMatch;
    tier: Tier;
    submittedAt: string;
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
      ...(team ? { loads: loads.get(team) ?? {} } : {}),
    });
    if (team && ticket !== undefined) seq.set(team, ticket);
    if (load) {
      const l = loads.get(load.team) ?? {};
      l[load.repId] = (l[load.repId] ?? 0) + 1;
      loads.set(load.team, l);
    }
    return store.storeRoute(input.leadId, route);
  };
  return { assign, seq, loads };
};
