/**
 * The prospect's privacy rights end to end on the in-process local stack: the lawful basis on the stored
 * lead, the notice and one-click unsubscribe headers on the mail SES received, the signed link (page,
 * explanation, review request), objection by one click (suppression, later leads unscored), bad and expired
 * links refused without a change — and every log line written meanwhile free of the test person's email,
 * name and phone number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadRecord } from '../functions/agent/lead-record';
import { saltedEmailHash, signLink } from '../functions/agent/privacy/links';
import { emailSha256, type PrivacyPageView } from '../functions/agent/privacy/rights';
import { registerTestPersonalData } from '../functions/agent/testing/personal-data';
import { leadIndex } from '../functions/platform/lead-indexes';
import { leadIdOfKey } from '../functions/platform/lead-item';
import { type SesStoredEmail, sesStore } from './support/local-aws';
import { type PipelineStack, roostrSubmission, startPipelineStack } from './support/pipeline-stack';

const SECRET = 'integration-test-privacy-secret-0123456789';
const PERSON = {
  email: `wilhelmina.${Date.now()}@roostr.nl`,
  first_name: 'Wilhelmina',
  last_name: 'Privacytest-Vos',
  phone: '+31 20 794 1234',
};
const PII = [PERSON.email, PERSON.first_name, PERSON.last_name, '+31207941234', '20 794 1234', '207941234'];
// The whole-suite log scan (test/log-scan/) looks for this run's address too.
registerTestPersonalData({
  emails: [PERSON.email],
  names: [PERSON.first_name, PERSON.last_name],
  phones: [PERSON.phone],
});

const logLines: string[] = [];
const restore: (() => void)[] = [];
const capture = (stream: NodeJS.WriteStream) => {
  const write = stream.write.bind(stream);
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    logLines.push(String(chunk));
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
  restore.push(() => {
    stream.write = write as typeof stream.write;
  });
};

let p: PipelineStack;
beforeAll(async () => {
  capture(process.stdout);
  capture(process.stderr);
  p = await startPipelineStack({
    env: { PRIVACY_SECRET: SECRET, LOG_LEVEL: 'DEBUG' },
    log: (line) => logLines.push(line),
    // `Bearer <person>:<group>`; without a header nobody is signed in.
    claims: (authorization) => {
      const m = /^Bearer ([\w-]+):(\w+)$/.exec(authorization ?? '');
      return m ? { 'cognito:username': m[1]!, 'cognito:groups': m[2]!, sub: m[1]! } : null;
    },
  });
}, 300_000);
afterAll(async () => {
  await p?.stop();
  for (const r of restore) r();
});

const MANAGER = { authorization: 'Bearer mgr-sofie:manager' };
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${p.stack.url}${path}`, { headers });
const post = (path: string, body = '', headers: Record<string, string> = {}) =>
  fetch(`${p.stack.url}${path}`, { method: 'POST', body, headers });
const leadAs = async (leadId: string) => {
  const res = await get(`/leads/${leadId}`, MANAGER);
  return (await res.json()) as LeadRecord & Record<string, unknown>;
};
const waitFor = async <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 180_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

let leadId: string;
let mail: SesStoredEmail;
let objectLink: URL;

describe('privacy rights on the local stack', () => {
  it('records the lawful basis at intake and sends the first email with the notice and unsubscribe headers', async () => {
    // Prepare
    const body = roostrSubmission(p.site.origin, { ...PERSON, marketing_opt_in: 'no' });
    // Act: intake → qualify → draft (review), a manager approves, the send step mails it
    leadId = await p.post(body);
    const drafted = await waitFor('a pending draft', async () => {
      const l = await leadAs(leadId);
      return l.draft?.status === 'pending' ? l : undefined;
    });
    const approved = await post(`/drafts/${leadId}/approve`, '{}', {
      ...MANAGER,
      'content-type': 'application/json',
    });
    mail = await waitFor('the mail in SES', async () =>
      (await sesStore(p.stack.endpoints.sesv2)).emails.find((e) => e.destination.to.includes(PERSON.email)),
    );
    // Assess
    expect(drafted.privacy).toMatchObject({
      basis: 'legitimate_interest',
      basisSource: 'config',
      noticeVersion: '2026-12',
      purposes: ['enquiry_follow_up', 'lead_qualification'],
    });
    expect(approved.status).toBe(202);
    const text = mail.body.text ?? '';
    expect(text.startsWith(drafted.draft!.body)).toBe(true);
    expect(text).toContain('Example B.V.');
    expect(text).toContain('Handelsregister van de KvK');
    const headers = (mail.headers ?? []) as { name: string; value: string }[];
    expect(headers).toContainEqual({ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' });
    expect(headers.find((h) => h.name === 'List-Unsubscribe')?.value).toMatch(/\/privacy\/unsubscribe\?t=/);
    objectLink = new URL(/(http\S+\/privacy\/object\?t=\S+)/.exec(text)![1]!);
  }, 300_000);

  it('shows the prospect a page in Dutch with the explanation and its counterfactuals', async () => {
    // Prepare
    const token = objectLink.searchParams.get('t')!;
    // Act
    const page = await get(`/privacy/object?t=${encodeURIComponent(token)}`);
    const view = await get(`/privacy?t=${encodeURIComponent(token)}&format=json`);
    // Assess
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Bezwaar maken tegen direct marketing en profilering');
    expect(html).toContain('Wat de uitkomst had veranderd');
    const json = (await view.json()) as PrivacyPageView;
    expect(json.explanation.scored).toBe(true);
    expect(json.explanation.counterfactuals.length).toBeGreaterThan(0);
    expect(json.explanation.counterfactuals[0]!.sentence).toMatch(/^Zonder ".+" was de score \d+ geweest/);
  }, 60_000);

  it('refuses forged, damaged and expired links with a clear 4xx and changes nothing', async () => {
    // Prepare
    const token = objectLink.searchParams.get('t')!;
    const forged = signLink(`${SECRET}-not-ours`, { leadId, expiresAt: 4_000_000_000 });
    const expired = signLink(SECRET, { leadId, expiresAt: Math.floor(Date.now() / 1000) - 1 });
    const before = (await leadAs(leadId)).privacyRequests ?? [];
    // Act
    const answers = await Promise.all([
      post(`/privacy/unsubscribe?t=${encodeURIComponent(forged)}`, 'List-Unsubscribe=One-Click'),
      post(`/privacy/object?t=${encodeURIComponent(expired)}`),
      post(`/privacy/object?t=${encodeURIComponent(token.slice(0, -5))}`),
      post('/privacy/review'),
    ]);
    // Assess
    expect(answers.map((a) => a.status)).toEqual([403, 403, 400, 400]);
    expect(((await answers[1]!.json()) as { message: string }).message).toContain('expired');
    expect((await leadAs(leadId)).privacyRequests ?? []).toEqual(before);
    expect(await p.item(`SUPPRESS#${saltedEmailHash(SECRET, PERSON.email)}`, 'SUPPRESS')).toBeUndefined();
  }, 60_000);

  it('records a request for review by a person', async () => {
    // Act
    const res = await post(`/privacy/review?t=${encodeURIComponent(objectLink.searchParams.get('t')!)}`);
    // Assess
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('een medewerker beoordeelt uw aanvraag');
    expect((await leadAs(leadId)).privacyRequests).toContainEqual(
      expect.objectContaining({ kind: 'review_request', via: 'link' }),
    );
  }, 60_000);

  it('one-click unsubscribe suppresses the address and later leads of the person go to a person unscored', async () => {
    // Prepare
    const unsubscribe = new URL(
      /<(http[^>]+)>/.exec(
        ((mail.headers ?? []) as { name: string; value: string }[]).find(
          (h) => h.name === 'List-Unsubscribe',
        )!.value,
      )![1]!,
    );
    // Act: what a mail client does for RFC 8058 one-click
    const res = await post(`${unsubscribe.pathname}${unsubscribe.search}`, 'List-Unsubscribe=One-Click', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const later = await p.post(
      roostrSubmission(p.site.origin, {
        ...PERSON,
        message: 'Nog een vraag over koppelingen met ons rooster.',
      }),
    );
    const unscored = await waitFor('the later lead routed', async () => {
      const l = await leadAs(later);
      return l.route ? l : undefined;
    });
    // Assess
    expect(res.status).toBe(200);
    expect(await p.item(`SUPPRESS#${saltedEmailHash(SECRET, PERSON.email)}`, 'SUPPRESS')).toMatchObject({
      reason: 'objection',
      noProfiling: true,
    });
    expect((await leadAs(leadId)).privacyRequests).toContainEqual(
      expect.objectContaining({ kind: 'objection', via: 'one_click' }),
    );
    expect(unscored.score).toBeUndefined();
    expect(unscored.enrichment).toBeUndefined();
    expect(unscored.unscored).toMatchObject({ reason: 'profiling_objection' });
    expect(unscored.route).toMatchObject({
      kind: 'owner',
      ownerId: 'mgr-sofie',
      ruleId: 'profiling-objection',
    });
    expect(unscored.status).toBe('routed');
    // Found through the email index, not a scan: both leads of the address.
    const byEmail = await p.db.send(
      new (await import('@aws-sdk/lib-dynamodb')).QueryCommand({
        TableName: p.stack.provisioned.tables.leads,
        IndexName: leadIndex('byEmail'),
        KeyConditionExpression: 'emailPk = :e',
        ExpressionAttributeValues: { ':e': `EMAIL#${emailSha256(PERSON.email)}` },
      }),
    );
    expect(new Set(byEmail.Items?.map((i) => leadIdOfKey(i.pk)))).toEqual(new Set([leadId, later]));
  }, 300_000);

  it('erases everything about the person from their own link, after which the link finds nothing', async () => {
    // Prepare
    const token = encodeURIComponent(objectLink.searchParams.get('t')!);
    // Act
    const res = await post(`/privacy/erase-me?t=${token}`);
    const after = await get(`/privacy?t=${token}`);
    // Assess
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Uw gegevens zijn verwijderd');
    expect(after.status).toBe(404);
    expect(await p.item(`LEAD#${leadId}`, 'LEAD')).toBeUndefined();
    // The objection's entry stays, now for an erasure: never mailed, never scored again.
    expect(await p.item(`SUPPRESS#${saltedEmailHash(SECRET, PERSON.email)}`, 'SUPPRESS')).toMatchObject({
      reason: 'erasure',
      noProfiling: true,
    });
    expect(await p.item(`ERASURE#${saltedEmailHash(SECRET, PERSON.email)}`, 'JOB')).toMatchObject({
      status: 'done',
      requestedBy: 'prospect',
      via: 'link',
      counts: { leads: 2 },
    });
  }, 120_000);

  it('wrote no email address, name or phone number of the person to any log line', () => {
    // Assess
    expect(logLines.length).toBeGreaterThan(10);
    const hits = logLines.filter((line) => PII.some((v) => line.toLowerCase().includes(v.toLowerCase())));
    expect(hits).toEqual([]);
  });
});
