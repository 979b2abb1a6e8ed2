/**
 * The prospect's rights behind the signed link in every first email, and the privacy officer's side of them:
 * - objection (art. 21(2)–(4)) and one-click unsubscribe: the address goes on the suppression list as a
 *   salted hash with `noProfiling`, every pending draft of the person is rejected and approved ones can no
 *   longer be sent (the send step checks the list), later leads of the person are not scored (qualify asks
 *   `objectsToProfiling`), and the request is recorded on each of the person's leads;
 * - a person's review of the automated assessment (art. 22(3)): recorded, and a draft waiting to go out
 *   automatically is held for its owner's review;
 * - the page: who we are, the explanation of the assessment, and the buttons for each right.
 * A link that is malformed, forged or expired is refused and changes nothing. Pure: ports only.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '../errors';
import type { Language } from '../lead';
import type { LeadRecord, PrivacyRequest } from '../lead-record';
import type { PrivacyStore, ReviewStore, SendStore } from '../ports';
import type { Tier } from '../qualification';
import type { CompiledRules } from '../score';
import { type Explanation, explainAssessment } from './explain';
import { normaliseEmail, saltedEmailHash, verifyLink } from './links';
import type { PrivacyPolicy } from './policy';

export interface RightsDeps {
  readonly store: PrivacyStore;
  readonly drafts: Pick<ReviewStore, 'rejectDraft'> & Pick<SendStore, 'holdForReview'>;
  readonly policy: PrivacyPolicy;
  /** PRIVACY_SECRET. */
  readonly secret: string;
  readonly rules: CompiledRules;
  /** Routing `threshold.minTier`: from this tier a salesperson follows up. */
  readonly thresholdTier: Tier;
  readonly now: () => Date;
}

export const emailSha256 = (email: string): string =>
  createHash('sha256').update(normaliseEmail(email)).digest('hex');

const LINK_REFUSED = {
  malformed: 'This link is incomplete or damaged / Deze link is onvolledig of beschadigd',
  bad_signature: 'This link is not valid / Deze link is niet geldig',
  expired:
    'This link has expired; write to the privacy contact in our email / Deze link is verlopen; schrijf naar het privacycontact uit onze e-mail',
} as const;

/** The lead a link names, or a refusal: 400 for a damaged link, 403 for a forged or expired one, 404 once erased. */
export const leadOfLink = async (deps: RightsDeps, token: string | undefined): Promise<LeadRecord> => {
  const verdict = verifyLink(deps.secret, token, deps.now());
  if (!verdict.ok)
    throw new DomainError(
      verdict.reason === 'malformed' ? 'invalid' : 'forbidden',
      LINK_REFUSED[verdict.reason],
      {
        field: 't',
      },
    );
  const record = await deps.store.get(verdict.claims.leadId);
  if (!record)
    throw new DomainError(
      'not_found',
      'We hold no data for this link (any more) / Wij hebben (niet langer) gegevens bij deze link',
    );
  return record;
};

/** The person's leads: every lead of the address, or just this one when it has no address. */
const leadsOfPerson = async (deps: RightsDeps, record: LeadRecord): Promise<string[]> => {
  const email = record.lead.person.email;
  if (!email) return [record.leadId];
  const ids = await deps.store.leadIdsByEmail(emailSha256(email));
  return ids.includes(record.leadId) ? ids : [...ids, record.leadId];
};

export interface ObjectionResult {
  readonly leadId: string;
  readonly language: Language;
  /** How many of the person's leads were marked. */
  readonly leads: number;
  readonly draftsStopped: number;
}

/** Objection for the person of `record` (from the link, one-click, or a privacy officer). */
export const objectFor = async (
  deps: RightsDeps,
  record: LeadRecord,
  via: PrivacyRequest['via'],
  by?: string,
): Promise<ObjectionResult> => {
  const at = deps.now().toISOString();
  const email = record.lead.person.email;
  if (email)
    await deps.store.suppress(saltedEmailHash(deps.secret, email), {
      reason: 'objection',
      at,
      noProfiling: true,
    });
  const ids = await leadsOfPerson(deps, record);
  let draftsStopped = 0;
  for (const leadId of ids) {
    await deps.store.recordRequest(leadId, { at, kind: 'objection', via, ...(by ? { by } : {}) });
    const lead = leadId === record.leadId ? record : await deps.store.get(leadId);
    if (lead?.draft?.status === 'pending') {
      const stopped = await deps.drafts.rejectDraft(leadId, 'the prospect objected to direct marketing', {
        at,
        by: by ?? 'prospect',
        action: 'reject',
        reason: 'objection (GDPR art. 21)',
        detail: { via, scoreVersion: lead.scoreVersion ?? (lead.score ? 1 : 0) },
      });
      if (stopped) draftsStopped++;
    }
  }
  return { leadId: record.leadId, language: record.lead.language, leads: ids.length, draftsStopped };
};

export const objectByLink = async (
  deps: RightsDeps,
  token: string | undefined,
  via: 'link' | 'one_click',
): Promise<ObjectionResult> => objectFor(deps, await leadOfLink(deps, token), via);

/** Whether the address objected to profiling (qualification then routes the lead to a person unscored). */
export const objectsToProfiling = async (
  deps: Pick<RightsDeps, 'store' | 'secret'>,
  email: string | undefined,
): Promise<boolean> =>
  !!email && ((await deps.store.suppression(saltedEmailHash(deps.secret, email)))?.noProfiling ?? false);

/** The prospect asks for a person to review the automated assessment (art. 22(3)). */
export const requestHumanReview = async (
  deps: RightsDeps,
  token: string | undefined,
): Promise<{ leadId: string; language: Language; held: boolean }> => {
  const record = await leadOfLink(deps, token);
  await deps.store.recordRequest(record.leadId, {
    at: deps.now().toISOString(),
    kind: 'review_request',
    via: 'link',
  });
  // A draft about to go out without anyone having read it now waits for its owner.
  const held =
    record.draft?.status === 'approved' && !record.draft.reviewedBy
      ? await deps.drafts.holdForReview(
          record.leadId,
          'the prospect asked for a person to review the assessment',
        )
      : false;
  return { leadId: record.leadId, language: record.lead.language, held };
};

export interface PrivacyPageView {
  readonly leadId: string;
  readonly language: Language;
  readonly controller: PrivacyPolicy['controller'];
  readonly purposes: readonly string[];
  readonly basis: string;
  readonly explanation: Explanation;
  readonly objected: boolean;
  readonly reviewRequested: boolean;
}

/** What the prospect's privacy page shows; reading it is recorded as an explanation request. */
export const privacyPage = async (
  deps: RightsDeps,
  token: string | undefined,
  language?: Language,
): Promise<PrivacyPageView> => {
  const record = await leadOfLink(deps, token);
  const lang = language ?? record.lead.language;
  await deps.store.recordRequest(record.leadId, {
    at: deps.now().toISOString(),
    kind: 'explanation',
    via: 'link',
  });
  const requests = record.privacyRequests ?? [];
  return {
    leadId: record.leadId,
    language: lang,
    controller: deps.policy.controller,
    purposes: deps.policy.purposes.map((p) => p.description[lang]),
    basis: record.privacy?.basis ?? deps.policy.defaultBasis,
    explanation: explainAssessment(record, lang, deps.rules, deps.thresholdTier),
    objected: requests.some((r) => r.kind === 'objection'),
    reviewRequested: requests.some((r) => r.kind === 'review_request'),
  };
};
