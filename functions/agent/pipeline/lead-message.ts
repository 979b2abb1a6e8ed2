/**
 * The one message of every pipeline queue (qualify, draft, send): the id of the lead to work on, never
 * personal data. Every consumer reads the lead itself and is idempotent, so a duplicate message is harmless.
 */
import * as z from 'zod';

export const LeadMessageSchema = z.object({
  leadId: z.string().min(1).max(64),
  /** On the qualify queue: enrich the (nurtured, long-qualified) lead afresh and re-score it. */
  requalify: z.literal(true).optional(),
  /**
   * On the qualify queue: the new lead's reservation of the next dedup bucket is still to be made (its stream
   * record failed before that write), so the retry makes it before qualifying.
   */
  reserve: z.literal(true).optional(),
});
export type LeadMessage = z.infer<typeof LeadMessageSchema>;

/** SQS holds a message back by at most 15 minutes; a later moment is reached by queueing again. */
export const MAX_DELAY_SECONDS = 900;

/** Seconds to hold a message back so it arrives at `at` (0 when due or absent, at most MAX_DELAY_SECONDS). */
export const delayUntil = (at: string | undefined, now: Date): number =>
  at ? Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.ceil((Date.parse(at) - now.getTime()) / 1000))) : 0;
