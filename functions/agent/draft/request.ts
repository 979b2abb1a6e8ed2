/**
 * What the prospect asked for, as the draft answers it: a demo, pricing, a trial, a question about SSO or
 * integrations, a call, information; else what the form was (download, newsletter, contact). Read from the
 * form type and the message (functions/agent/judge): no demo wording for someone who did not ask for a demo.
 */
import { readLead } from '../judge/read-lead';
import type { Lead } from '../lead';

export const REQUEST_CATEGORIES = [
  'demo',
  'pricing',
  'trial',
  'sso_question',
  'integration_question',
  'call',
  'information',
  'download',
  'newsletter',
  'contact',
] as const;
export type RequestCategory = (typeof REQUEST_CATEGORIES)[number];

/** The one thing the first email answers. The form's own purpose wins; then the message's strongest ask. */
export function requestCategory(lead: Lead): RequestCategory {
  if (lead.formType === 'demo_request') return 'demo';
  if (lead.formType === 'trial') return 'trial';
  if (lead.formType === 'pricing') return 'pricing';
  if (lead.formType === 'download') return 'download';
  if (lead.formType === 'newsletter') return 'newsletter';
  const submitted = new Date(lead.submittedAt);
  const reading = readLead(lead, Number.isNaN(submitted.getTime()) ? new Date(0) : submitted);
  const asked = reading.actions[0];
  if (asked === 'demo' || asked === 'trial' || asked === 'pricing') return asked;
  if (reading.questions.includes('sso')) return 'sso_question';
  if (reading.questions.includes('integration')) return 'integration_question';
  if (asked === 'call') return 'call';
  if (asked === 'information') return 'information';
  return 'contact';
}

/** Our company and product as the drafts name them (config/company.yaml). */
export interface SellerInfo {
  readonly name: string;
  readonly product: string;
}
