/**
 * The privacy rights over HTTP (functions/agent/privacy/rights.ts).
 * Public, behind the signed link of every first email (`?t=<token>`):
 *   GET  /privacy               the prospect's page: who we are, why, the explanation, a button per right
 *   GET  /privacy/object        the same page, at the objection; POST /privacy/object objects
 *   POST /privacy/unsubscribe   one-click unsubscribe (RFC 8058 List-Unsubscribe-Post): objection, no page
 *   GET  /privacy/unsubscribe   a page with the objection button (mail clients that open the link)
 *   POST /privacy/review        ask for a person to review the automated assessment
 * A bad or expired link is refused with a 4xx and changes nothing.
 */

import { DomainError } from './agent/errors';
import type { Language } from './agent/lead';
import { objectByLink, privacyPage, type RightsDeps, requestHumanReview } from './agent/privacy/rights';
import { type HttpEvent, type HttpResult, httpHandler, json } from './platform/http';
import { leadStore } from './platform/leads-table';
import { logger } from './platform/observability';
import { privacySecret, privacyStore } from './platform/privacy-settings';
import { shippedPrivacy } from './platform/shipped-privacy';
import { shippedRouting } from './platform/shipped-routing';
import { shippedRules } from './platform/shipped-rules';
import { renderDonePage, renderPrivacyPage } from './web/privacy-page';

const rights: RightsDeps = {
  store: privacyStore(),
  drafts: leadStore(),
  policy: shippedPrivacy(),
  secret: privacySecret(),
  rules: shippedRules(),
  thresholdTier: shippedRouting().routing.threshold.minTier,
  now: () => new Date(),
};

const html = (statusCode: number, body: string): HttpResult => ({
  statusCode,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-robots-tag': 'noindex',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  },
  body,
});

const tokenOf = (event: HttpEvent) => event.queryStringParameters?.t;
const languageOf = (event: HttpEvent): Language | undefined => {
  const lang = event.queryStringParameters?.lang;
  return lang === 'nl' || lang === 'en' ? lang : undefined;
};

const page = async (event: HttpEvent, notice?: (language: Language) => string) => {
  const view = await privacyPage(rights, tokenOf(event), languageOf(event));
  if (event.queryStringParameters?.format === 'json') return json(200, view);
  return html(200, renderPrivacyPage(view, tokenOf(event) ?? '', notice?.(view.language)));
};

const OBJECTED: Record<Language, string> = {
  nl: 'Uw bezwaar is vastgelegd: wij sturen u geen berichten meer en beoordelen u niet meer automatisch.',
  en: 'Your objection is recorded: we send you no more messages and no longer assess you automatically.',
};
const REVIEW: Record<Language, string> = {
  nl: 'Uw verzoek is vastgelegd: een medewerker beoordeelt uw aanvraag.',
  en: 'Your request is recorded: a member of our team will review your enquiry.',
};

export const handler = httpHandler(async (event) => {
  switch (event.routeKey) {
    case 'GET /privacy':
      return page(event);
    case 'GET /privacy/object':
    case 'GET /privacy/unsubscribe':
      return page(event);
    case 'POST /privacy/object': {
      const done = await objectByLink(rights, tokenOf(event), 'link');
      logger.info('Objection recorded', {
        leadId: done.leadId,
        leads: done.leads,
        drafts: done.draftsStopped,
      });
      return page(event, (language) => OBJECTED[language]);
    }
    case 'POST /privacy/unsubscribe': {
      const done = await objectByLink(rights, tokenOf(event), 'one_click');
      logger.info('One-click unsubscribe recorded', { leadId: done.leadId, leads: done.leads });
      return html(200, renderDonePage(done.language, OBJECTED[done.language]));
    }
    case 'POST /privacy/review': {
      const done = await requestHumanReview(rights, tokenOf(event));
      logger.info('Human review requested', { leadId: done.leadId, held: done.held });
      return page(event, (language) => REVIEW[language]);
    }
    default:
      throw new DomainError('not_found', 'Not found');
  }
});
