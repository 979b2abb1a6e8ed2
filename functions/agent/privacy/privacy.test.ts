/**
 * The privacy core without I/O: config/privacy.yaml, the lawful basis recorded at intake, the signed links,
 * the notice every first email carries (and that the send step adds it and honours the salted suppression
 * list), and the explanation's counterfactuals.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LeadRecord } from '../lead-record';
import { type SendDeps, sendDraft } from '../pipeline/send-draft';
import type { OutgoingMail, SendStore } from '../ports';
import type { Draft } from '../qualification';
import { compileRules, loadRules, scoreEnrichedLead } from '../score';
import { RecordingQueue } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead, sampleRoute } from '../testing/samples';
import { processingRecordFor } from './basis';
import { explainAssessment } from './explain';

import { saltedEmailHash, signLink, verifyLink } from './links';
import { privacyNotice } from './notice';
import { parsePrivacyYaml, privacyJsonSchema } from './policy';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const policy = parsePrivacyYaml(read('config/privacy.yaml'));
const rules = compileRules(loadRules(read('config/scoring-rules.yaml')));
const SECRET = 'a-test-secret-of-at-least-thirty-two-chars';
const NOW = new Date('2026-03-02T10:00:00.000Z');

const recordOf = (language: 'nl' | 'en' = 'nl'): LeadRecord => {
  const lead = sampleLead(language);
  const enrichment = sampleEnrichment();
  return {
    leadId: '01JQ0000000000000000000000',
    status: 'drafted',
    receivedAt: NOW.toISOString(),
    provider: 'json',
    dedupKey: 'k',
    lead,
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment,
    score: scoreEnrichedLead(lead, enrichment, rules, NOW),
    route: sampleRoute(),
    steps: {},
  };
};

describe('config/privacy.yaml', () => {
  it('is valid and its editor schema is up to date', () => {
    // Prepare / Act
    const committed = JSON.parse(read('config/privacy.schema.json'));
    // Assess
    expect(policy.retentionDays.unconvertedLead).toBe(365);
    expect(committed).toEqual(JSON.parse(JSON.stringify(privacyJsonSchema())));
  });

  it('names the field at fault in a bad file', () => {
    // Prepare
    const bad = read('config/privacy.yaml').replace(
      'privacyContact: "privacy@example.com"',
      'privacyContact: nope',
    );
    // Act / Assess
    expect(() => parsePrivacyYaml(bad)).toThrow(/controller\.privacyContact/);
  });
});

describe('lawful basis at intake', () => {
  it('records consent with the form’s notice version when the form had the opt-in ticked', () => {
    // Prepare
    const lead = { ...sampleLead('nl'), consent: { marketingOptIn: true, privacyNoticeVersion: 'form-7' } };
    // Act
    const record = processingRecordFor(lead, policy, NOW);
    // Assess
    expect(record).toMatchObject({ basis: 'consent', basisSource: 'form', noticeVersion: 'form-7' });
    expect(record.purposes).toEqual(['enquiry_follow_up', 'lead_qualification']);
    expect(record.retainUntil).toBe('2027-03-02T10:00:00.000Z');
  });

  it('falls back to the configured basis and our notice version, and keeps spam for a short time', () => {
    // Prepare
    const lead = { ...sampleLead('en'), consent: { marketingOptIn: false } };
    // Act
    const record = processingRecordFor(lead, policy, NOW, true);
    // Assess
    expect(record).toMatchObject({
      basis: 'legitimate_interest',
      basisSource: 'config',
      noticeVersion: policy.noticeVersion,
    });
    expect(record.marketingOptIn).toBeUndefined();
    expect(record.retainUntil).toBe('2026-04-01T10:00:00.000Z');
  });
});

describe('signed links', () => {
  const token = signLink(SECRET, {
    leadId: '01JQ0000000000000000000000',
    expiresAt: NOW.getTime() / 1000 + 60,
  });

  it('accepts its own token until it expires', () => {
    expect(verifyLink(SECRET, token, NOW)).toMatchObject({
      ok: true,
      claims: { leadId: '01JQ0000000000000000000000' },
    });
    expect(verifyLink(SECRET, token, new Date(NOW.getTime() + 61_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses a token signed with another secret, a changed payload and garbage', () => {
    // Prepare
    const other = signLink(`${SECRET}x`, { leadId: '01JQ0000000000000000000000', expiresAt: 2e9 });
    const [, sig] = token.split('.');
    const tampered = `${Buffer.from('01JQ0000000000000000000001.2000000000').toString('base64url')}.${sig}`;
    // Act / Assess
    expect(verifyLink(SECRET, other, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyLink(SECRET, tampered, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyLink(SECRET, 'x', NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyLink(SECRET, undefined, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('salts the suppression hash with the secret', () => {
    expect(saltedEmailHash(SECRET, ' Pieter@Example.test ')).toBe(
      saltedEmailHash(SECRET, 'pieter@example.test'),
    );
    expect(saltedEmailHash(SECRET, 'pieter@example.test')).not.toBe(
      saltedEmailHash(`${SECRET}x`, 'pieter@example.test'),
    );
  });
});

describe('the notice in the first email', () => {
  const settings = { policy, secret: SECRET, baseUrl: 'https://api.example.com/' };

  it('says who we are, why, which public sources we used, and how to object — in Dutch', () => {
    // Prepare
    const record = recordOf('nl');
    // Act
    const notice = privacyNotice(record, settings, NOW);
    // Assess
    expect(notice.text).toContain('Example B.V.');
    expect(notice.text).toContain('uw aanvraag opvolgen');
    expect(notice.text).toContain('Handelsregister van de KvK');
    expect(notice.text).toContain('de website van uw organisatie');
    const objection = notice.text.split('\n').find((l) => l.includes('bezwaar'));
    const link = new URL(/https:\/\/\S+/.exec(objection ?? '')![0]);
    expect(link.pathname).toBe('/privacy/object');
    expect(verifyLink(SECRET, link.searchParams.get('t') ?? '', NOW).ok).toBe(true);
    expect(notice.headers).toEqual([
      {
        name: 'List-Unsubscribe',
        value: expect.stringMatching(/^<https:\/\/api\.example\.com\/privacy\/unsubscribe\?t=/),
      },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
  });

  it('leaves out the sources sentence when enrichment used no third-party source, in English', () => {
    // Prepare
    const record = {
      ...recordOf('en'),
      enrichment: { ...sampleEnrichment(), registry: null, website: null },
    };
    // Act
    const notice = privacyNotice(record, settings, NOW);
    // Assess
    expect(notice.text).toContain(
      'You may object at any time to direct marketing and the profiling behind it',
    );
    expect(notice.text).not.toContain('public sources');
  });
});

describe('the send step with privacy settings', () => {
  const sendStore = (record: LeadRecord, suppressed: Set<string>): SendStore => ({
    get: async () => structuredClone(record),
    beginSend: async () => 'started',
    completeSend: async () => true,
    failSend: async () => true,
    releaseSend: async () => true,
    holdForReview: async () => true,
    isSuppressed: async (hash) => suppressed.has(hash),
  });
  const depsOf = (store: SendStore, mails: OutgoingMail[]): SendDeps => ({
    store,
    sendQueue: new RecordingQueue(),
    mailer: {
      send: async (m) => {
        mails.push(m);
        return { messageId: 'm1' };
      },
    },
    fromAddress: 'sales@example.com',
    rep: () => ({ name: 'Bram Jansen', email: 'bram@example.com' }),
    now: () => NOW,
    stuckAfterSeconds: 120,
    privacy: { policy, secret: SECRET, baseUrl: 'https://api.example.com' },
  });
  const withDraft = (): LeadRecord => ({
    ...recordOf('nl'),
    draft: { subject: 'Hallo', body: 'Tekst\n\nBram', status: 'approved', language: 'nl' } as Draft,
  });

  it('appends the notice below whatever the draft says and sets the unsubscribe headers', async () => {
    // Prepare
    const mails: OutgoingMail[] = [];
    // Act
    const outcome = await sendDraft('L1', depsOf(sendStore(withDraft(), new Set()), mails));
    // Assess
    expect(outcome.outcome).toBe('sent');
    expect(mails[0]!.text.startsWith('Tekst\n\nBram\n\n--\n')).toBe(true);
    expect(mails[0]!.text).toContain('/privacy/object?t=');
    expect(mails[0]!.headers?.map((h) => h.name)).toEqual(['List-Unsubscribe', 'List-Unsubscribe-Post']);
  });

  it('never mails an address whose salted hash is on the suppression list', async () => {
    // Prepare
    const mails: OutgoingMail[] = [];
    const record = withDraft();
    const suppressed = new Set([saltedEmailHash(SECRET, record.lead.person.email!)]);
    // Act
    const outcome = await sendDraft('L1', depsOf(sendStore(record, suppressed), mails));
    // Assess
    expect(outcome).toEqual({ outcome: 'failed', reason: 'suppressed' });
    expect(mails).toHaveLength(0);
  });
});

describe('the explanation of the automated assessment', () => {
  it('gives each fired rule a counterfactual, and the ledger arithmetic agrees with the engine', () => {
    // Prepare
    const record = recordOf('nl');
    const otherVersion = { ...rules, rulesVersion: 'another-version' };
    // Act
    const recomputed = explainAssessment(record, 'nl', rules, 'warm');
    const fromLedger = explainAssessment(record, 'nl', otherVersion, 'warm');
    // Assess
    expect(recomputed.method).toBe('recomputed');
    expect(fromLedger.method).toBe('ledger');
    expect(recomputed.counterfactuals.length).toBeGreaterThan(0);
    expect(fromLedger.counterfactuals.map((c) => c.totalWithout)).toEqual(
      recomputed.counterfactuals.map((c) => c.totalWithout),
    );
    for (const c of recomputed.counterfactuals) {
      expect(c.sentence).toContain(`de score ${c.totalWithout} geweest`);
      expect(c.sentence).toMatch(
        c.wouldPassThreshold ? /boven de drempel van 31/ : /onder de drempel van 31/,
      );
    }
    expect(recomputed.summary).toContain(`${record.score!.total} punten`);
  });

  it('says in English that an unscored lead was not assessed automatically', () => {
    // Prepare
    const { score: _s, enrichment: _e, ...rest } = recordOf('en');
    const record: LeadRecord = {
      ...rest,
      unscored: { reason: 'profiling_objection', at: NOW.toISOString() },
    };
    // Act
    const explanation = explainAssessment(record, 'en', rules, 'warm');
    // Assess
    expect(explanation.scored).toBe(false);
    expect(explanation.summary).toContain('You objected to profiling');
  });
});
