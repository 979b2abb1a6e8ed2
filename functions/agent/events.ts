/**
 * Engagement events after the form: what a prospect did on our own channels (page views, the pricing page,
 * downloads, webinars, email opens, clicks and replies, forms, unsubscribes, booked meetings), each with an id
 * its source gives it (a repeat of the same id is the same event), when it happened, and the lead it belongs
 * to (`leadId`, or the address the lead gave). Pure: schema and the mapping onto the activities the scoring
 * rules read (functions/agent/score/facts.ts).
 */
import * as z from 'zod';
import type { Activity, Lead } from './lead';

export const EVENT_TYPES = [
  'page_view',
  'pricing_page',
  'download',
  'webinar',
  'email_open',
  'email_click',
  'email_reply',
  'form',
  'unsubscribe',
  'meeting_booked',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The most events one request may carry. */
export const MAX_EVENTS_PER_BATCH = 500;

const EventSchema = z
  .object({
    id: z
      .string({ error: 'id is required' })
      .min(1, { error: 'id is required' })
      .max(200, { error: 'id is longer than 200 characters' }),
    type: z.enum(EVENT_TYPES, { error: `type must be one of ${EVENT_TYPES.join(', ')}` }),
    occurredAt: z.iso.datetime({ offset: true, error: 'occurredAt must be an ISO date-time with offset' }),
    leadId: z.string().max(64).optional(),
    email: z.email({ error: 'email is not an email address' }).max(320).optional(),
    /** page_view: the page (its path is kept, never its query string). */
    url: z.url({ error: 'url must be an absolute URL' }).max(2000).optional(),
    /** email_open: the open came from a machine (a mail privacy proxy or a scanner), not a person. */
    machine: z.boolean({ error: 'machine must be true or false' }).optional(),
  })
  .refine((e) => e.leadId !== undefined || e.email !== undefined, {
    error: 'give the lead as leadId or email',
    path: ['leadId'],
  });

export const EventBatchSchema = z.object({
  events: z
    .array(EventSchema, { error: 'events must be a list' })
    .min(1, { error: 'events must not be empty' })
    .max(MAX_EVENTS_PER_BATCH, { error: `at most ${MAX_EVENTS_PER_BATCH} events per request` }),
});
export type IncomingEvent = z.infer<typeof EventSchema>;

/** An event as kept with its lead: no personal data (the address only served to find the lead). */
export interface LeadEvent {
  readonly id: string;
  readonly type: EventType;
  readonly occurredAt: string;
  /** Where it came from (the source that signed the request). */
  readonly source: string;
  /** page_view: origin and path of the page. */
  readonly page?: string;
  readonly machine?: boolean;
  readonly receivedAt: string;
}

/** The page without query string or fragment (they may carry personal data, e.g. an email in a UTM tag). */
export const pageOf = (url: string | undefined): string | undefined => {
  if (!url) return undefined;
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};

/** Which activity of the scoring facts an event counts as; undefined: kept and shown, not scored by a fact. */
const ACTIVITY_OF: Partial<Record<EventType, Activity['type']>> = {
  page_view: 'page_view',
  pricing_page: 'pricing_page',
  download: 'download',
  webinar: 'webinar',
  email_click: 'email_click',
  email_open: 'email_open',
  email_reply: 'email_reply',
  unsubscribe: 'unsubscribe',
  form: 'form_submission',
  // A booked meeting is the strongest own-channel signal there is: it scores like a demo request.
  meeting_booked: 'demo_request',
};

/**
 * The lead as the scoring rules see it with its events: each event once (by id), in time order, added to the
 * activities of the submission. A machine open never counts. The result does not depend on the order the events
 * arrived in, nor on how often each was delivered.
 */
export const leadWithEvents = (lead: Lead, events: readonly LeadEvent[]): Lead => {
  const byId = new Map<string, LeadEvent>();
  for (const e of events) if (!byId.has(e.id)) byId.set(e.id, e);
  const added: Activity[] = [...byId.values()]
    .filter((e) => !(e.type === 'email_open' && e.machine))
    .sort((a, b) =>
      a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.id < b.id ? -1 : 1,
    )
    .flatMap((e): Activity[] => {
      const type = ACTIVITY_OF[e.type];
      // The detail is the ledger's evidence: the page of a page view, else the source that reported it.
      return type ? [{ type, at: e.occurredAt, detail: e.page ?? `via ${e.source}` }] : [];
    });
  return added.length ? { ...lead, activities: [...lead.activities, ...added] } : lead;
};
