/**
 * Reconciliation: a scheduled pull of what changed in the CRM since the last run (HubSpot search on
 * `hs_lastmodifieddate`, Pipedrive deals `updated_since`), for changes a webhook never delivered. Each record
 * is turned into the same events a webhook would have produced (same event ids), so the inbox records a
 * change once however it arrived. The cursor moves only after a page is recorded, and overlaps the last
 * timestamp by design (records modified in the same millisecond are not skipped; duplicates dedupe).
 */
import { hubspotOutcome, type InboundDeps, outcomeEventId, pipedriveDealEvents } from './inbound';
import type { CrmChange, CrmChangeFeed, CrmCursorStore } from './port';
import type { CrmInboundEvent } from './types';

export interface ReconcileDeps extends InboundDeps {
  readonly feed: CrmChangeFeed;
  readonly cursors: CrmCursorStore;
  /** First run: look back this far. */
  readonly initialLookbackHours?: number;
  readonly pageSize?: number;
  /** Stop after this many pages per stream (the next run goes on from the cursor). */
  readonly maxPages?: number;
}

export interface ReconcileResult {
  readonly streams: Record<string, { changes: number; recorded: number; duplicates: number; cursor: string }>;
}

export const reconcile = async (deps: ReconcileDeps): Promise<ReconcileResult> => {
  const kind = deps.feed.kind;
  const out: ReconcileResult['streams'] = {};
  for (const stream of deps.feed.streams) {
    const start =
      (await deps.cursors.get(kind, stream)) ??
      new Date(deps.now().getTime() - (deps.initialLookbackHours ?? 24) * 3_600_000).toISOString();
    let cursor = start;
    let after: string | undefined;
    const stats = { changes: 0, recorded: 0, duplicates: 0, cursor };
    for (let page = 0; page < (deps.maxPages ?? 20); page++) {
      const { changes, after: next } = await deps.feed.changesSince(stream, start, {
        limit: deps.pageSize ?? 100,
        after,
      });
      stats.changes += changes.length;
      for (const change of changes) {
        for (const event of await eventsOf(deps, kind, change)) {
          if (await deps.inbox.record(event)) stats.recorded++;
          else stats.duplicates++;
        }
        if (change.modifiedAt > cursor) cursor = change.modifiedAt;
      }
      await deps.cursors.put(kind, stream, cursor);
      stats.cursor = cursor;
      if (!next) break;
      after = next;
    }
    out[stream] = stats;
  }
  return { streams: out };
};

const eventsOf = async (
  deps: ReconcileDeps,
  kind: 'hubspot' | 'pipedrive',
  change: CrmChange,
): Promise<CrmInboundEvent[]> => {
  const base = { at: change.modifiedAt, source: `${kind}:reconcile` };
  if (kind === 'pipedrive') {
    return pipedriveDealEvents(
      deps,
      'deal',
      'change',
      change.objectId,
      { id: change.objectId, ...change.properties },
      null,
      base,
    );
  }
  const leadId =
    (await deps.links.findRef('hubspot', change.objectType, change.objectId)) ??
    (typeof change.properties.lq_lead_id === 'string' ? change.properties.lq_lead_id : undefined);
  if (!leadId) return [];
  const events: CrmInboundEvent[] = [];
  const properties = change.objectType === 'deal' ? ['dealstage'] : ['lifecyclestage', 'hs_lead_status'];
  for (const property of properties) {
    const value = change.properties[property];
    if (value === undefined || value === null || value === '') continue;
    const outcome = hubspotOutcome(deps.mapping, change.objectType, property, String(value));
    if (!outcome) continue;
    const lostReason = deps.mapping.hubspot?.inbound.lostReasonProperty;
    const reason = outcome === 'lost' && lostReason ? change.properties[lostReason] : undefined;
    const amount = Number(change.properties.amount);
    events.push({
      kind: 'outcome',
      leadRef: { crm: 'hubspot', objectType: change.objectType, objectId: change.objectId, leadId },
      outcome,
      ...(typeof reason === 'string' && reason ? { reason: reason.slice(0, 500) } : {}),
      ...(change.objectType === 'deal' && change.properties.amount && Number.isFinite(amount)
        ? { value: amount }
        : {}),
      eventId: outcomeEventId('hubspot', change.objectType, change.objectId, property, String(value)),
      detail: `${property}=${String(value)}`,
      ...base,
    });
  }
  return events;
};
