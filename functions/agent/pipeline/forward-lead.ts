/**
 * Forwarding a non-sales submission to the team that handles it (config/dispositions.yaml `action: forward`:
 * job applications to recruiting, support requests to support, …): one internal notification email with the
 * lead's ids and the submission's fields, to the configured team address — never to the prospect. Runs in the
 * draft step, after routing decided the disposition. Exactly once per lead, like the send step's attempt:
 *
 *   (no mark) ──beginForward(attempt id + address, written BEFORE calling the mail service)──▶ sending
 *   sending ──accepted──▶ sent (message id stored)      sending ──throttled──▶ (mark removed, retried)
 *   sending ──refused or unknown──▶ failed (never sent twice; a person sees the error on the lead)
 *
 * A redelivered message finds the mark and sends nothing. An archived disposition sends nothing at all; its
 * reason stays on the lead (`score.disposition`).
 */
import type { LeadRecord } from '../lead-record';
import type { ForwardStore, Mailer } from '../ports';
import { MailerError } from '../ports';

export interface ForwardDeps {
  readonly store: ForwardStore;
  readonly mailer: Mailer;
  /** Our sender address (SES_FROM_ADDRESS). */
  readonly fromAddress: string;
  readonly now: () => Date;
  readonly newId: () => string;
}

export type ForwardOutcome =
  | { readonly outcome: 'sent'; readonly to: string; readonly messageId: string }
  | { readonly outcome: 'failed'; readonly to: string; readonly error: string }
  | {
      readonly outcome: 'skipped';
      readonly reason: 'missing' | 'not_forwarded' | 'already_forwarded';
    };

const line = (label: string, value: string | number | boolean | undefined) =>
  value === undefined || value === '' ? [] : [`${label}: ${value}`];

/** The notification: Dutch for a Dutch submission, else English; ids first, then every field given. */
export const forwardMail = (record: LeadRecord, to: string, fromAddress: string) => {
  const { lead } = record;
  const nl = lead.language === 'nl';
  const disposition = record.score?.disposition;
  const p = lead.person;
  const name = p.fullName ?? ([p.firstName, p.lastName].filter(Boolean).join(' ') || undefined);
  // The destination's reason names the team's topic ("Job application for recruiting").
  const topic = disposition?.destination?.reason ?? disposition?.reason;
  const subject = nl
    ? `Doorgestuurd van het contactformulier: ${topic ?? 'geen verkoopkans'}${lead.company.name ? ` (${lead.company.name})` : ''}`
    : `Forwarded from the contact form: ${topic ?? 'not a sales lead'}${lead.company.name ? ` (${lead.company.name})` : ''}`;
  const intro = nl
    ? 'Dit formulier is geen verkoopkans en is daarom naar jullie doorgestuurd. De afzender heeft geen e-mail van ons gekregen; antwoord hem of haar rechtstreeks.'
    : 'This form submission is not a sales lead, so it was forwarded to you. The sender got no email from us; reply to them directly.';
  const L = nl
    ? {
        ids: 'Kenmerken',
        lead: 'Lead-id',
        submission: 'Inzending-id',
        why: 'Waarom',
        quote: 'Beslissende woorden',
        who: 'Afzender',
        name: 'Naam',
        email: 'E-mail',
        phone: 'Telefoon',
        title: 'Functie',
        company: 'Bedrijf',
        domain: 'Domein',
        country: 'Land',
        message: 'Bericht',
        form: 'Formulier',
        page: 'Pagina',
        at: 'Verstuurd op',
        answers: 'Overige antwoorden',
      }
    : {
        ids: 'Ids',
        lead: 'Lead id',
        submission: 'Submission id',
        why: 'Why',
        quote: 'Words that decided',
        who: 'Sender',
        name: 'Name',
        email: 'Email',
        phone: 'Phone',
        title: 'Job title',
        company: 'Company',
        domain: 'Domain',
        country: 'Country',
        message: 'Message',
        form: 'Form',
        page: 'Page',
        at: 'Submitted at',
        answers: 'Other answers',
      };
  const q = lead.qualifying as Record<string, string | undefined>;
  const text = [
    intro,
    '',
    `${L.ids}:`,
    ...line(L.lead, record.leadId),
    ...line(L.submission, record.submissionId ?? lead.source.submissionId),
    ...line(L.why, disposition?.reason),
    ...line(L.quote, disposition?.quote ? `"${disposition.quote}"` : undefined),
    '',
    `${L.who}:`,
    ...line(L.name, name),
    ...line(L.email, p.email),
    ...line(L.phone, p.phone),
    ...line(L.title, p.jobTitle),
    ...line(L.company, lead.company.name),
    ...line(L.domain, lead.company.domain),
    ...line(L.country, lead.company.country),
    ...line(L.form, lead.source.formName ?? lead.formType),
    ...line(L.page, lead.source.pageUrl),
    ...line(L.at, lead.submittedAt),
    ...Object.entries(q).flatMap(([k, v]) => line(k, v)),
    ...(Object.keys(lead.extra).length > 0
      ? ['', `${L.answers}:`, ...Object.entries(lead.extra).flatMap(([k, v]) => line(k, v))]
      : []),
    ...(lead.message ? ['', `${L.message}:`, lead.message] : []),
  ].join('\n');
  return {
    fromAddress,
    fromName: nl ? 'Contactformulier' : 'Contact form',
    // Replies go to the team itself: the prospect's address is in the text, never a header we send to.
    replyTo: to,
    to,
    subject: subject.slice(0, 200),
    text,
  };
};

export const forwardLead = async (leadId: string, deps: ForwardDeps): Promise<ForwardOutcome> => {
  const record = await deps.store.get(leadId);
  if (!record) return { outcome: 'skipped', reason: 'missing' };
  const destination = record.score?.disposition?.destination;
  if (record.score?.disposition?.kind === 'sales' || destination?.action !== 'forward')
    return { outcome: 'skipped', reason: 'not_forwarded' };
  if (record.forward) return { outcome: 'skipped', reason: 'already_forwarded' };
  const to = destination.to;
  const attemptId = deps.newId();
  if (!(await deps.store.beginForward(leadId, { attemptId, to, startedAt: deps.now().toISOString() })))
    return { outcome: 'skipped', reason: 'already_forwarded' };
  try {
    const { messageId } = await deps.mailer.send(forwardMail(record, to, deps.fromAddress));
    await deps.store.completeForward(leadId, attemptId, { messageId, sentAt: deps.now().toISOString() });
    return { outcome: 'sent', to, messageId };
  } catch (err) {
    if (err instanceof MailerError && err.kind === 'retryable') {
      // Nothing was sent: free the mark and let the queue retry.
      await deps.store.releaseForward(leadId, attemptId);
      throw err;
    }
    const error = err instanceof Error ? err.message : String(err);
    await deps.store.failForward(leadId, attemptId, { error, failedAt: deps.now().toISOString() });
    return { outcome: 'failed', to, error };
  }
};
