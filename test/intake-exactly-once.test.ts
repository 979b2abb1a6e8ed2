/**
 * Exactly-once intake over real HTTP: a duplicate storm, a provider webhook resent later, a different message,
 * and the end of the dedup window — each with the qualify pipeline running, so "processed once" is observed
 * where it matters (one lead item, one qualification, one rotation step, one draft hand-over).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../functions/agent/testing/intake-requests';
import { type IntakeStack, postLead, postLeadRetrying, startIntakeStack } from './support/intake-stack';
import { receiveAll, waitFor } from './support/local-aws';

const JSON_TYPE = { 'content-type': 'application/json' };
const emailOf = (item: Record<string, unknown>) => (item.lead as { person: { email?: string } }).person.email;

/** Waits until the lead has its route (qualified), then returns the stored item. */
const qualifiedLead = (stack: IntakeStack, leadId: string) =>
  waitFor(async () => {
    const item = await stack.lead(leadId);
    return item?.route ? item : undefined;
  }, 60_000);

/** Sum of the round-robin sequences of every team: how many times a rotation advanced. */
const rotationSteps = async (stack: IntakeStack) =>
  (await stack.items()).other
    .filter((i) => String(i.pk).startsWith('RR#'))
    .reduce((sum, i) => sum + Number(i.seq ?? 0), 0);

describe('exactly once: duplicates never make a second lead or a second qualification', () => {
  let stack: IntakeStack;
  beforeAll(async () => {
    stack = await startIntakeStack({ qualify: true });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('50 identical submissions at the same moment → one leadId for all, one lead, qualified once', async () => {
    // Prepare
    const body = JSON.stringify({
      email: 'storm@storm-logistics.nl',
      company: 'Storm Logistics',
      employees: '51-200',
      formType: 'demo',
      message: 'We want a demo for 40 sales reps',
    });
    // Act
    const answers = await Promise.all(Array.from({ length: 50 }, () => postLead(stack.url, body, JSON_TYPE)));
    // Assess
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(202));
    const ids = new Set(answers.map((a) => a.body.leadId));
    expect(ids.size).toBe(1);
    const leadId = answers[0]?.body.leadId as string;
    expect(answers.filter((a) => a.body.duplicate !== true)).toHaveLength(1);
    const lead = await qualifiedLead(stack, leadId);
    // Let any stray duplicate message be processed before counting.
    await new Promise((r) => setTimeout(r, 1_500));
    const { leads } = await stack.items();
    expect(leads.filter((l) => emailOf(l) === 'storm@storm-logistics.nl')).toHaveLength(1);
    expect(stack.qualified()).toBe(1);
    const route = lead.route as { kind: string; team?: string };
    expect(await rotationSteps(stack)).toBe(route.team ? 1 : 0);
    const drafts = await receiveAll(stack.queues.draft);
    expect(drafts.map((m) => JSON.parse(m.Body!))).toEqual([{ leadId }]);
  });

  it('a Typeform webhook resent later (same token) → the same lead, not qualified again', async () => {
    // Prepare
    const body = fixture('typeform-webhook.json');
    const base = stack.qualified();
    const first = await postLead(stack.url, body, JSON_TYPE);
    await qualifiedLead(stack, first.body.leadId!);
    await waitFor(() => stack.qualified() === base + 1);
    const stepsBefore = await rotationSteps(stack);
    // Act: the provider retries the webhook, with a new delivery id but the same response token
    const retried = body.replace('01HZX4B9Q8R7S6T5V4W3X2Y1Z0', '01HZX4B9Q8R7S6T5V4W3X2Y1Z9');
    const again = await postLead(stack.url, retried, JSON_TYPE);
    await new Promise((r) => setTimeout(r, 1_500));
    // Assess
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.leadId).toBe(first.body.leadId);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.status).not.toBe('received');
    const { leads } = await stack.items();
    expect(leads.filter((l) => emailOf(l) === 'emily@brightpath.io')).toHaveLength(1);
    expect(stack.qualified()).toBe(base + 1);
    expect(await rotationSteps(stack)).toBe(stepsBefore);
  });

  it('a different message from the same person → a different lead', async () => {
    // Prepare
    const a = JSON.stringify({ email: 'twice@acme-twice.nl', message: 'Pricing for 10 seats?' });
    const b = JSON.stringify({ email: 'twice@acme-twice.nl', message: 'And do you integrate with HubSpot?' });
    // Act
    const first = await postLead(stack.url, a, JSON_TYPE);
    const second = await postLead(stack.url, b, JSON_TYPE);
    // Assess
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.leadId).not.toBe(first.body.leadId);
    expect(second.body.duplicate).toBeUndefined();
    await qualifiedLead(stack, first.body.leadId!);
    await qualifiedLead(stack, second.body.leadId!);
  });
});

/**
 * The dedup window of the test below: long enough that the first lead's stream hand-over (which writes the next
 * bucket's reservation) finishes inside its own bucket on a slow, busy machine, short enough to wait out.
 */
const WINDOW_MS = 20_000;

describe('exactly once: the content dedup window ends (DEDUP_WINDOW_SECONDS)', () => {
  let stack: IntakeStack;
  beforeAll(async () => {
    stack = await startIntakeStack({
      env: { DEDUP_WINDOW_SECONDS: String(WINDOW_MS / 1000) },
      qualify: true,
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Waits until the next bucket starts: where a window boundary falls is then known. */
  const bucketStart = async () => {
    await new Promise((r) => setTimeout(r, WINDOW_MS - (Date.now() % WINDOW_MS) + 20));
  };

  it('the same content inside the window is the same lead, also across the bucket boundary; after it, a new lead', async () => {
    // Prepare
    const body = JSON.stringify({ email: 'window@acme-window.nl', message: 'Call me back please' });
    await bucketStart();
    // Act: the first submission; the next bucket's id is reserved for it once its stream record is handled
    const first = await postLeadRetrying(stack.url, body, JSON_TYPE);
    const inside = await postLeadRetrying(stack.url, body, JSON_TYPE);
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    await waitFor(async () => {
      const { reservations } = await stack.items();
      if (reservations.some((r) => r.reservedFor === first.body.leadId)) return true;
      // Said when the wait times out: how far the stream consumer got.
      throw new Error(`no reservation yet; stream consumer: ${JSON.stringify(stack.streams?.status())}`);
    }, 60_000);
    // … a retry in the next bucket (inside the window of the first) …
    await bucketStart();
    const nextBucket = await postLeadRetrying(stack.url, body, JSON_TYPE);
    // … and one two buckets on (past the window and its reservation)
    await bucketStart();
    await bucketStart();
    const after = await postLeadRetrying(stack.url, body, JSON_TYPE);
    // Assess
    expect(inside.body.leadId).toBe(first.body.leadId);
    expect(nextBucket.body).toMatchObject({ leadId: first.body.leadId, duplicate: true });
    expect(after.status).toBe(202);
    expect(after.body.leadId).not.toBe(first.body.leadId);
    expect(after.body.duplicate).toBeUndefined();
    const { leads } = await stack.items();
    expect(leads.filter((l) => emailOf(l) === 'window@acme-window.nl')).toHaveLength(2);
  });
});
