/**
 * The privacy rights over HTTP (functions/agent/privacy/rights.ts).
 * Public, behind the signed link of every first email (`?t=<token>`):
 *   GET  /privacy               the prospect's page: who we are, why, the explanation, a button per right
 *   GET  /privacy/object        the same page, at the objection; POST /privacy/object objects
 *   POST /privacy/unsubscribe   one-click unsubscribe (RFC 8058 List-Unsubscribe-Post): objection, no page
 *   GET  /privacy/unsubscribe   a page with the objection button (mail clients that open the link)
 *   POST /privacy/review        ask for a person to review the automated assessment
 *   POST /privacy/erase-me      erase everything held about the person
 * For privacy officers (JWT, group ops or privacy):
 *   GET  /privacy/export?email= everything held about the address, as JSON with a plain-language summary
 *   POST /privacy/erase         {"email"}: erase everything held about the address (idempotent, resumable)
 * A bad or expired link is refused with a 4xx and changes nothing.
 */

import * as z from 'zod';
import { DomainError } from './agent/errors';
import type { Language } from './agent/lead';
import { exportPersonalData } from './agent/privacy/access';
import { type ErasureDeps, eraseByEmail, eraseLead } from './agent/privacy/erasure';
import {
  leadOfLink,
  objectByLink,
  privacyPage,
  type RightsDeps,
  requestHumanReview,
} from './agent/privacy/rights';
import { privacyOfficerOf } from './platform/auth';
import { dynamo } from './platform/clients/dynamodb';
import { crmPort } from './platform/crm-wiring';
import { DynamoErasureStore } from './platform/erasure-store-dynamodb';
import { type HttpEvent, type HttpResult, httpHandler, json, jsonBody } from './platform/http';
import { leadStore, leadsTableName } from './platform/leads-table';
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

const erasure: ErasureDeps = {
  store: rights.store,
  jobs: new DynamoErasureStore({ db: dynamo, table: leadsTableName(), now: () => new Date() }),
  crm: (kind) => {
    const port = crmPort();
    return port?.kind === kind ? port : undefined;
  },
  secret: rights.secret,
  auditRetentionDays: rights.policy.retentionDays.erasureAudit,
  now: () => new Date(),
};
const EraseBody = z.object({ email: z.email().max(320) });

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
const ERASED: Record<Language, string> = {
  nl: 'Uw gegevens zijn verwijderd. Alleen een onomkeerbare code blijft bewaard, zodat wij u nooit meer mailen.',
  en: 'Your data has been erased. Only an irreversible code is kept, so that we never email you again.',
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
    case 'POST /privacy/erase-me': {
      const record = await leadOfLink(rights, tokenOf(event));
      const done = await eraseLead(erasure, record, { by: 'prospect', via: 'link' });
      logger.info('Erasure done', { job: done.jobId.slice(0, 12), via: 'link', ...done.counts });
      return html(200, renderDonePage(record.lead.language, ERASED[record.lead.language]));
    }
    case 'GET /privacy/export': {
      const officer = privacyOfficerOf(event);
      const data = await exportPersonalData(rights, event.queryStringParameters?.email, officer);
      logger.info('Access export', { by: officer.personId, leads: data.leads.length });
      return json(200, data, { 'content-disposition': 'attachment; filename="personal-data.json"' });
    }
    case 'POST /privacy/erase': {
      const officer = privacyOfficerOf(event);
      const { email } = jsonBody(event, EraseBody);
      const done = await eraseByEmail(erasure, email, { by: officer.personId, via: 'ops' });
      logger.info('Erasure done', { job: done.jobId.slice(0, 12), by: officer.personId, ...done.counts });
      return json(200, done);
    }
    default:
      throw new DomainError('not_found', 'Not found');
  }
});
