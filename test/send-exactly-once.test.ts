/** An `auto` handoff lead goes from drafting to `sent` with exactly one mail, also when the send message is redelivered. */

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailHash } from '../functions/agent/pipeline/send-draft';
import { waitFor } from './support/local-aws';
import { type ReviewStack, startReviewStack } from './support/review-stack';

let stack: ReviewStack;
beforeAll(async () => {
  stack = await startReviewStack({ handoff: 'auto' });
});
afterAll(async () => {
  await stack?.stop();
});

describe('send (auto handoff)', () => {
  it('sends the draft once, records the SES message id and marks the lead sent; a redelivery sends nothing', async () => {
    // Prepare
    const email = `auto-${Date.now()}@example.test`;
    // Act
    const leadId = await stack.seed({ email, ownerId: 'rep-bram' });
    const sent = await waitFor(async () => {
      const l = await stack.lead(leadId);
      return l?.status === 'sent' ? l : undefined;
    }, 60_000);
    await stack.sendMessage(leadId);
    const before = stack.sendStatus()?.succeeded ?? 0;
    await waitFor(() => (stack.sendStatus()?.succeeded ?? 0) > before, 60_000);
    // Assess
    const mails = await stack.mailsTo(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.from).toContain('sales@example.com');
    expect(mails[0]!.from).toContain('Bram Jansen');
    expect(mails[0]!.replyTo).toEqual(['bram.jansen@example.com']);
    expect(mails[0]!.subject).toBe(sent.draft?.subject);
    expect(sent.draft).toMatchObject({ status: 'sent', handoff: 'auto', handoffVersion: 'handoff@v1' });
    expect(sent.draft?.send?.messageId).toBe(mails[0]!.messageId);
  });

  it('never mails a suppressed address and says why on the draft', async () => {
    // Prepare
    const email = `suppressed-${Date.now()}@example.test`;
    await stack.db.send(
      new PutCommand({
        TableName: stack.table,
        Item: { pk: `SUPPRESS#${emailHash(email)}`, sk: 'SUPPRESS', reason: 'bounce' },
      }),
    );
    // Act
    const leadId = await stack.seed({ email });
    const failed = await waitFor(async () => {
      const l = await stack.lead(leadId);
      return l?.draft?.status === 'failed' ? l : undefined;
    }, 60_000);
    // Assess
    expect(failed.draft?.send?.error).toContain('suppression');
    expect(failed.status).toBe('drafted');
    expect(await stack.mailsTo(email)).toHaveLength(0);
  });
});
