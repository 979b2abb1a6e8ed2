/**
 * The owner's alert on the lead item (`alert`, marked by the re-score that raised the lead, see
 * ./lead-store-rescore.ts): each step of its email is one conditional write on the alert of that score version,
 * so the email goes out at most once per version; the owner opening the lead clears the inbox mark (`seenAt`).
 */
import type { AlertStore } from '../agent/ports';
import { type LeadTable, LeadUpdate } from './lead-item';

export const beginAlert = (
  t: LeadTable,
  leadId: string,
  version: number,
  attempt: { attemptId: string; at: string },
): Promise<boolean> =>
  new LeadUpdate(leadId)
    .set('alert.email', 'sending')
    .set('alert.attemptId', attempt.attemptId)
    .set('alert.startedAt', attempt.at)
    .equals('alert.version', version)
    .in('alert.email', ['pending', 'throttled'])
    .run(t);

export const finishAlert = (
  t: LeadTable,
  leadId: string,
  version: number,
  attemptId: string,
  result: Parameters<AlertStore['finishAlert']>[3],
): Promise<boolean> => {
  const u = new LeadUpdate(leadId)
    .set('alert.email', result.email)
    .equals('alert.version', version)
    .equals('alert.attemptId', attemptId)
    .equals('alert.email', 'sending');
  if (result.messageId) u.set('alert.messageId', result.messageId);
  if (result.email === 'sent') u.set('alert.sentAt', result.at);
  if (result.error) u.set('alert.error', result.error);
  return u.run(t);
};

export const seeAlert = (
  t: LeadTable,
  leadId: string,
  version: number,
  ownerId: string,
  at: string,
): Promise<boolean> =>
  new LeadUpdate(leadId)
    .set('alert.seenAt', at)
    .equals('alert.version', version)
    .equals('alert.ownerId', ownerId)
    .absent('alert.seenAt')
    .run(t);
