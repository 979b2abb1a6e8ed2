/**
 * Thresholds that act, on the emulators with the real handlers: events raise an owned lead's score, the rescore
 * function alerts its owner once (the email is in the SES emulator's mailbox), the leads list marks the lead, and
 * the owner opening it clears the mark.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/local-aws';
import { type ReviewStack, startReviewStack } from './support/review-stack';

let stack: ReviewStack;

const BRAM = 'bram.jansen@example.com';

const post = async (body: unknown) => {
  const res = await fetch(`${stack.url}/events?source=site`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.status;
};

const events = (leadId: string) =>
  (['pricing_page', 'download', 'webinar', 'email_reply', 'email_click'] as const).map((type, i) => ({
    id: `alert-${leadId}-${i}`,
    type,
    occurredAt: new Date(Date.now() - i * 60_000).toISOString(),
    leadId,
  }));

const alertMails = async (leadId: string) =>
  (await stack.mailsTo(BRAM)).filter((m) => (m.body.text ?? '').includes(leadId));

beforeAll(async () => {
  process.env.LEAD_PAGE_BASE_URL = 'https://leads.example.com/#lead/';
  stack = await startReviewStack({ handoff: 'review' });
});
afterAll(async () => {
  delete process.env.LEAD_PAGE_BASE_URL;
  await stack?.stop();
});

describe('owner alerts on the local stack', () => {
  it('emails the owner once when events raise the lead, marks it in the list until the owner opens it', async () => {
    // Prepare
    const leadId = await stack.seed({ tier: 'warm', ownerId: 'rep-bram' });
    await waitFor(async () => (await stack.lead(leadId))?.status === 'drafted', 60_000);
    const bram = await stack.token('rep-bram');
    const sofie = await stack.token('mgr-sofie');

    // Act
    expect(await post({ events: events(leadId) })).toBe(200);
    await waitFor(async () => (await alertMails(leadId)).length > 0, 120_000);
    // The same events again: the same cause, no second version, no second email.
    expect(await post({ events: events(leadId) })).toBe(200);
    const listed = await stack.api('GET', '/leads?limit=200', bram);
    const seenByManager = await stack.api('GET', `/leads/${leadId}`, sofie);
    const listedAfterManager = await stack.api('GET', '/leads?limit=200', bram);
    const opened = await stack.api('GET', `/leads/${leadId}`, bram);
    const listedAfterOpen = await stack.api('GET', '/leads?limit=200', bram);
    await new Promise((r) => setTimeout(r, 8_000));
    const mails = await alertMails(leadId);

    // Assess
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.subject).toContain('Lead gestegen');
    expect(mail.subject).toContain('warm → hot');
    expect(mail.body.text).toContain(`Lead-id: ${leadId}`);
    expect(mail.body.text).toContain(`https://leads.example.com/#lead/${leadId}`);
    expect(mail.body.text).toMatch(/Wat veranderde in de score:\n- /);
    type Row = { leadId: string; alert?: { toTier: string; fromTier: string } };
    const row = (page: { body: Record<string, unknown> }) =>
      (page.body.items as Row[]).find((i) => i.leadId === leadId);
    expect(row(listed)?.alert).toMatchObject({ fromTier: 'warm', toTier: 'hot' });
    expect(seenByManager.body.alert).toMatchObject({ email: 'sent', ownerId: 'rep-bram' });
    expect(row(listedAfterManager)?.alert).toBeDefined();
    expect((opened.body.alert as { seenAt?: string }).seenAt).toBeDefined();
    expect(row(listedAfterOpen)?.alert).toBeUndefined();
  }, 240_000);

  it('moves the open load with a reassign in one transaction and refuses a rep at capacity', async () => {
    // Prepare
    const leadId = await stack.seed({ ownerId: 'rep-bram', team: 'smb', takesLoad: true });
    await waitFor(async () => (await stack.lead(leadId))?.status === 'drafted', 60_000);
    const sofie = await stack.token('mgr-sofie');
    const before = { bram: await stack.load('rep-bram'), eva: await stack.load('rep-eva') };
    // Fill Youssef (cap 30) to his cap.
    await stack.db.send(
      new UpdateCommand({
        TableName: stack.table,
        Key: { pk: 'LOAD#smb#rep-youssef', sk: 'LOAD' },
        UpdateExpression: 'SET #load = :cap, team = :t, rep = :r',
        ExpressionAttributeNames: { '#load': 'load' },
        ExpressionAttributeValues: { ':cap': 30, ':t': 'smb', ':r': 'rep-youssef' },
      }),
    );

    // Act
    const moved = await stack.api('POST', `/leads/${leadId}/reassign`, sofie, {
      ownerId: 'rep-eva',
      reason: 'Bram is on holiday',
    });
    const full = await stack.api('POST', `/leads/${leadId}/reassign`, sofie, {
      ownerId: 'rep-youssef',
      reason: 'try Youssef',
    });
    const after = {
      bram: await stack.load('rep-bram'),
      eva: await stack.load('rep-eva'),
      youssef: await stack.load('rep-youssef'),
    };
    const lead = await stack.lead(leadId);

    // Assess
    expect(moved.status).toBe(200);
    expect(full.status).toBe(409);
    expect(String(full.body.message)).toContain('capacity');
    expect(after).toEqual({ bram: before.bram - 1, eva: before.eva + 1, youssef: 30 });
    expect(lead).toMatchObject({ loadTaken: 'smb#rep-eva', route: { ownerId: 'rep-eva', team: 'smb' } });
    expect(lead?.loadReleasedAt).toBeUndefined();
  }, 180_000);

  it('escalates missed first-contact SLAs once on DynamoDB: the manager emailed, an SMB lead reassigned with its load', async () => {
    // Prepare: a fixed Wednesday 11:00 in Amsterdam, so every rep works by the calendar.
    const now = new Date('2026-03-04T10:00:00.000Z');
    const { DynamoLeadStore } = await import('../functions/platform/lead-store-dynamodb');
    const { runSlaEscalation } = await import('../functions/agent/pipeline/escalate-sla');
    const { sesMailer } = await import('../functions/platform/mailer-ses');
    const { ses } = await import('../functions/platform/clients/sesv2');
    const { shippedRouting } = await import('../functions/platform/shipped-routing');
    const { shippedFollowUp } = await import('../functions/platform/shipped-follow-up');
    const enterprise = await stack.seed({
      ownerId: 'rep-anna',
      team: 'enterprise',
      slaDueAt: '2026-03-04T09:00:00.000Z',
    });
    const smb = await stack.seed({
      ownerId: 'rep-bram',
      team: 'smb',
      slaDueAt: '2026-03-04T09:30:00.000Z',
      takesLoad: true,
    });
    await waitFor(
      async () =>
        (await stack.lead(enterprise))?.status === 'drafted' && (await stack.lead(smb))?.status === 'drafted',
      60_000,
    );
    const before = { bram: await stack.load('rep-bram'), eva: await stack.load('rep-eva') };
    let n = 0;
    const deps = {
      store: new DynamoLeadStore(stack.db, stack.table, () => now),
      mailer: sesMailer(ses),
      fromAddress: 'sales@example.com',
      routing: shippedRouting(),
      followUp: shippedFollowUp,
      now: () => now,
      newId: () => `sla-${++n}-${enterprise}`,
    };

    // Act
    const first = await runSlaEscalation(deps);
    const second = await runSlaEscalation(deps);
    const mails = (await stack.mailsTo('sofie.mulder@example.com')).filter((m) =>
      (m.body.text ?? '').includes(enterprise),
    );
    const moved = await stack.lead(smb);

    // Assess
    expect(first).toEqual({ breached: 2, alerted: 1, reassigned: 1, skipped: 0, failed: 0 });
    expect(second).toMatchObject({ alerted: 0, reassigned: 0 });
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toContain('SLA gemist');
    expect((await stack.lead(enterprise))?.escalation).toMatchObject({
      email: 'sent',
      managerId: 'mgr-sofie',
    });
    expect(moved).toMatchObject({
      route: { ownerId: 'rep-eva', team: 'smb' },
      loadTaken: 'smb#rep-eva',
      ownerPk: 'OWNER#rep-eva',
      escalation: { action: 'reassign', fromOwnerId: 'rep-bram', toOwnerId: 'rep-eva' },
    });
    expect({ bram: await stack.load('rep-bram'), eva: await stack.load('rep-eva') }).toEqual({
      bram: before.bram - 1,
      eva: before.eva + 1,
    });
  }, 180_000);

  it('the daily job re-scores every open lead page by page from the owner index, once per day', async () => {
    // Prepare
    const { DynamoLeadStore } = await import('../functions/platform/lead-store-dynamodb');
    const { runDailyRescore } = await import('../functions/agent/pipeline/rescore-lead');
    const { shippedRules } = await import('../functions/platform/shipped-rules');
    const { shippedPeople } = await import('../functions/platform/shipped-routing');
    const ids = [
      await stack.seed({ ownerId: 'rep-lotte', team: 'belgium' }),
      await stack.seed({ ownerId: 'rep-lotte', team: 'belgium' }),
    ];
    await waitFor(async () => (await stack.lead(ids[1]!))?.status === 'drafted', 60_000);
    const later = new Date(Date.now() + 40 * 86_400_000);
    const deps = {
      store: new DynamoLeadStore(stack.db, stack.table, () => later),
      rules: shippedRules,
      now: () => later,
      ownerIds: [...shippedPeople().keys()],
      concurrency: 4,
    };

    // Act
    const first = await runDailyRescore(deps);
    const second = await runDailyRescore(deps);
    const causes = await Promise.all(
      ids.map(async (id) => ((await stack.lead(id)) as { scoreCauses?: string[] } | undefined)?.scoreCauses),
    );

    // Assess
    expect(first.leads).toBeGreaterThanOrEqual(2);
    expect(first.rescored).toBeGreaterThan(0);
    expect(first.rescored + first.unchanged + first.skipped).toBe(first.leads);
    expect(second.rescored).toBe(0);
    expect(second.leads).toBe(first.leads);
    for (const c of causes)
      expect(c?.filter((x) => x.startsWith('daily:')).length ?? 0).toBeLessThanOrEqual(1);
  }, 180_000);

  it('recycles a lead closed lost long ago to nurture through the owner index, once', async () => {
    // Prepare
    const { DynamoLeadStore } = await import('../functions/platform/lead-store-dynamodb');
    const { recycleLostLeads } = await import('../functions/agent/pipeline/recycle-lost');
    const { shippedRouting } = await import('../functions/platform/shipped-routing');
    const { shippedFollowUp } = await import('../functions/platform/shipped-follow-up');
    const leadId = await stack.seed({ ownerId: 'rep-daan', team: 'enterprise', takesLoad: true });
    await waitFor(async () => (await stack.lead(leadId))?.status === 'drafted', 60_000);
    const sofie = await stack.token('mgr-sofie');
    const lost = await stack.api('POST', `/leads/${leadId}/outcome`, sofie, {
      outcome: 'lost',
      reason: 'Chose a competitor',
    });
    const later = new Date(Date.now() + 200 * 86_400_000);
    const deps = {
      store: new DynamoLeadStore(stack.db, stack.table, () => later),
      routing: shippedRouting(),
      followUp: shippedFollowUp,
      ownerIds: ['rep-daan'],
      now: () => later,
    };

    // Act
    const first = await recycleLostLeads(deps);
    const second = await recycleLostLeads(deps);
    const lead = await stack.lead(leadId);

    // Assess
    expect(lost.status).toBe(200);
    expect(first).toEqual({ candidates: 1, recycled: 1 });
    expect(second).toEqual({ candidates: 0, recycled: 0 });
    expect(lead).toMatchObject({
      status: 'nurture',
      route: { kind: 'nurture', ownerId: 'mkt-noor', ruleId: 'recycle' },
      ownerPk: 'OWNER#mkt-noor',
    });
    expect(lead?.outcome).toBeUndefined();
    expect(lead?.outcomes).toHaveLength(1);
    expect(await stack.load('rep-daan', 'enterprise')).toBe(0);
  }, 180_000);
});
