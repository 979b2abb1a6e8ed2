/**
 * Dispositions on the local stack (emulators): a job application is forwarded once to recruiting (a
 * redelivered draft message sends nothing more), a manager re-qualifies a vendor pitch as a sales lead (it
 * gets an owner and a draft), a rep may not set a disposition, and an unknown kind is refused naming the field.
 */
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sesStore } from './support/local-aws';
import { type PipelineStack, roostrSubmission, startPipelineStack } from './support/pipeline-stack';

let p: PipelineStack;

const CLAIMS: Record<string, Record<string, string>> = {
  'Bearer sofie': { 'cognito:username': 'mgr-sofie', 'cognito:groups': 'manager', sub: 'mgr-sofie' },
  'Bearer bram': { 'cognito:username': 'rep-bram', 'cognito:groups': 'sales', sub: 'rep-bram' },
};
const OPS = { 'cognito:username': 'ops-lars', 'cognito:groups': 'ops', sub: 'ops-lars' };

beforeAll(async () => {
  p = await startPipelineStack({ claims: (authorization) => CLAIMS[authorization ?? ''] ?? OPS });
}, 180_000);
afterAll(async () => {
  await p?.stop();
});

const setDisposition = async (leadId: string, who: 'sofie' | 'bram', body: unknown) => {
  const res = await fetch(`${p.stack.url}/leads/${leadId}/disposition`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const mailsTo = async (to: string) =>
  (await sesStore(p.stack.endpoints.sesv2)).emails.filter((m) => m.destination.to.includes(to));

/** Until the draft queue has nothing waiting or in flight: the redelivered message was handled. */
const draftQueueDrained = async () => {
  const url = p.stack.env.DRAFT_QUEUE_URL!;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const out = await p.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const a = out.Attributes ?? {};
    if (a.ApproximateNumberOfMessages === '0' && a.ApproximateNumberOfMessagesNotVisible === '0') return;
    if (Date.now() > deadline) throw new Error('the draft queue did not drain');
    await new Promise((r) => setTimeout(r, 200));
  }
};

describe('dispositions on the local stack', () => {
  it('forwards a job application once to recruiting, also when the draft message comes again', async () => {
    // Prepare
    const email = `sollicitant.${Date.now()}@gmail.com`;
    const leadId = await p.post(
      roostrSubmission(p.site.origin, {
        email,
        company: 'Noor Jansen',
        form_type: 'contact',
        message: 'Hierbij mijn open sollicitatie als accountmanager, mijn cv zit in de bijlage.',
      }),
    );
    // Act
    const lead = await p.waitForLead(leadId, (l) => l.forward?.status === 'sent', 120_000);
    await p.sqs.send(
      new SendMessageCommand({
        QueueUrl: p.stack.env.DRAFT_QUEUE_URL!,
        MessageBody: JSON.stringify({ leadId }),
      }),
    );
    await draftQueueDrained();
    // Assess
    expect(lead.disposition).toBe('job_application');
    expect(lead.status).toBe('nurture');
    expect(lead.draft).toBeUndefined();
    const mails = (await mailsTo('recruiting@example.com')).filter((m) => m.body.text?.includes(leadId));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.messageId).toBe(lead.forward?.messageId);
    expect(mails[0]?.body.text).toContain(email);
    expect(await mailsTo(email)).toHaveLength(0);
  }, 240_000);

  it('re-qualifies a vendor pitch as a sales lead: an owner and a draft; reps 403, unknown kinds 400', async () => {
    // Prepare
    const leadId = await p.post(
      roostrSubmission(p.site.origin, {
        message:
          'We help companies grow your pipeline with our SDR service. 15 minutes for a quick intro call? Also: a demo of your roster tool for our 40 locations.',
      }),
    );
    const pitched = await p.waitForLead(
      leadId,
      (l) => l.status === 'nurture' && l.rationale !== undefined,
      120_000,
    );
    // Act
    const rep = await setDisposition(leadId, 'bram', { disposition: 'sales' });
    const unknown = await setDisposition(leadId, 'sofie', { disposition: 'recruiter' });
    const requalified = await setDisposition(leadId, 'sofie', {
      disposition: 'sales_lead',
      reason: 'They also want a demo for 40 locations',
    });
    const routed = await p.waitForLead(
      leadId,
      (l) => l.route?.kind === 'owner' && l.draft !== undefined,
      120_000,
    );
    // Assess
    expect(pitched.disposition).toBe('vendor_pitch');
    expect(rep.status).toBe(403);
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('disposition');
    expect(requalified).toMatchObject({ status: 200, body: { disposition: 'sales', requalified: true } });
    expect(routed.disposition).toBe('sales');
    expect(routed.score?.disposition).toMatchObject({ kind: 'sales', decidedBy: 'person' });
    expect(routed.route?.ownerId).toMatch(/^(rep|mgr)-/);
    expect(routed.audit?.at(-1)).toMatchObject({ by: 'mgr-sofie', action: 'requalify' });
  }, 300_000);

  it('disposes a sales lead with a pending draft: off its owner, draft withdrawn, listed under its kind', async () => {
    // Prepare
    const leadId = await p.post(roostrSubmission(p.site.origin));
    const drafted = await p.waitForLead(leadId, (l) => l.draft?.status === 'pending', 120_000);
    // Act
    const disposed = await setDisposition(leadId, 'sofie', {
      disposition: 'job_application',
      reason: 'Wrote to apply, not to buy',
    });
    const again = await setDisposition(leadId, 'sofie', { disposition: 'job_application' });
    const lead = await p.getLead(leadId);
    const listed = await fetch(`${p.stack.url}/leads?disposition=job_application&limit=200`, {
      headers: { authorization: 'Bearer sofie' },
    });
    const items = ((await listed.json()) as { items?: { leadId: string }[] }).items ?? [];
    // Assess
    expect(drafted.route?.kind).toBe('owner');
    expect(disposed).toMatchObject({
      status: 200,
      body: { disposition: 'job_application', status: 'nurture', changed: true, draftWithdrawn: true },
    });
    expect(again).toMatchObject({ status: 200, body: { changed: false } });
    expect(lead.status).toBe('nurture');
    expect(lead.disposition).toBe('job_application');
    expect(lead.draft?.status).toBe('rejected');
    expect(lead.route).toMatchObject({ kind: 'nurture', ruleId: 'disposition' });
    expect(lead.audit?.filter((a) => a.action === 'dispose')).toHaveLength(1);
    expect(lead.audit?.at(-1)).toMatchObject({
      by: 'mgr-sofie',
      reason: 'Wrote to apply, not to buy',
      detail: { from: 'sales', to: 'job_application', fromStatus: 'drafted', toStatus: 'nurture' },
    });
    // The rep's open load, taken by the routing, is released in the same write.
    const item = await p.item(`LEAD#${leadId}`, 'LEAD');
    expect(item?.loadTaken).toEqual(expect.any(String));
    expect(item?.loadReleasedAt).toEqual(expect.any(String));
    expect(listed.status).toBe(200);
    expect(items.map((i) => i.leadId)).toContain(leadId);
    // Disposed to a forward kind: recruiting gets its notification, once.
    const forwarded = await p.waitForLead(leadId, (l) => l.forward?.status === 'sent', 120_000);
    const mails = (await mailsTo('recruiting@example.com')).filter((m) => m.body.text?.includes(leadId));
    expect(mails).toHaveLength(1);
    expect(forwarded.draft?.status).toBe('rejected');
  }, 240_000);
});
