/**
 * The forward mark on the leads table (functions/agent/pipeline/forward-lead.ts): each step ONE conditional
 * write, so a non-sales submission's notification goes out at most once per lead.
 */
import type { LeadTable } from './lead-item';
import { LeadUpdate } from './lead-item';

export const beginForward = (
  t: LeadTable,
  leadId: string,
  attempt: { attemptId: string; to: string; startedAt: string },
): Promise<boolean> =>
  new LeadUpdate(leadId)
    .set('forward', { ...attempt, status: 'sending' })
    .present('pk')
    .absent('forward')
    .run(t);

const onAttempt = (leadId: string, attemptId: string) =>
  new LeadUpdate(leadId).equals('forward.attemptId', attemptId).equals('forward.status', 'sending');

export const completeForward = (
  t: LeadTable,
  leadId: string,
  attemptId: string,
  result: { messageId: string; sentAt: string },
): Promise<boolean> =>
  onAttempt(leadId, attemptId)
    .set('forward.status', 'sent')
    .set('forward.messageId', result.messageId)
    .set('forward.sentAt', result.sentAt)
    .run(t);

export const failForward = (
  t: LeadTable,
  leadId: string,
  attemptId: string,
  failure: { error: string; failedAt: string },
): Promise<boolean> =>
  onAttempt(leadId, attemptId)
    .set('forward.status', 'failed')
    .set('forward.error', failure.error.slice(0, 500))
    .set('forward.failedAt', failure.failedAt)
    .run(t);

export const releaseForward = (t: LeadTable, leadId: string, attemptId: string): Promise<boolean> =>
  onAttempt(leadId, attemptId).remove('forward').run(t);
