/**
 * The order of a salesperson's inbox: the effective tier first (a person's override wins over the computed
 * tier; hot, warm, cold), then the SLA due time (soonest first, none last), then the lead id. One sortable
 * string, so the storage adapter can keep an index in exactly this order and an in-memory sort compares the
 * same thing. Pure, no AWS.
 */
import type { LeadRecord } from './lead-record';
import type { Tier } from './qualification';

const TIER_RANK: Record<Tier, number> = { hot: 0, warm: 1, cold: 2 };

export type InboxOrderInput = Pick<LeadRecord, 'leadId'> & {
  readonly score?: { readonly tier?: Tier } | undefined;
  readonly override?: { readonly tier?: Tier } | undefined;
  readonly route?: { readonly slaDueAt?: string } | undefined;
};

export const effectiveTier = (r: InboxOrderInput): Tier | undefined => r.override?.tier ?? r.score?.tier;

export const inboxOrderKey = (r: InboxOrderInput): string =>
  `${TIER_RANK[effectiveTier(r) ?? 'cold']}#${r.route?.slaDueAt ?? '9999'}#${r.leadId}`;
