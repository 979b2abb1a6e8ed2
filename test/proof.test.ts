/**
 * The whole-chain proof at a small N: leads flow through intake → qualify → draft while handlers crash
 * before and after their work, SQS delivers twice, the LLM fails in three ways and websites are slow — and
 * each emulator is restarted mid-run (DynamoDB Local killed), and afterwards every submission was answered,
 * nothing is lost or stuck, duplicates map to one lead, spam is never qualified, every rotation
 * step belongs to exactly one routed lead, drafts approved several times at once are sent once, and no
 * address gets the same email twice.
 */
import { describe, expect, it } from 'vitest';
import { brokenInvariants, runProof } from '../scripts/proof/run-proof';

describe('whole-chain proof', () => {
  it('keeps every invariant while faults are injected', async () => {
    // Prepare
    const options = { leads: 40, seed: 42, rate: 40, faultRate: 0.05, log: () => {} };

    // Act
    const summary = await runProof(options);

    // Assess
    expect(brokenInvariants(summary), JSON.stringify(summary.details)).toEqual([]);
    expect(summary.submitted).toBe(40);
    expect(summary.lost).toBe(0);
    expect(summary.duplicateEmails).toBe(0);
    expect(summary.faultsInjected).toBeGreaterThan(0);
    expect(summary.accepted).toBeGreaterThan(30);
    // DynamoDB, SQS and SES each went away and came back while leads and approvals flowed.
    const outages = summary.details.emulatorOutagesMs as Record<string, number>;
    expect(Object.keys(outages).sort()).toEqual(['dynamodb', 'sesv2', 'sqs']);
    expect(Object.values(outages).every((ms) => ms >= 500)).toBe(true);
    expect(summary.details.unanswered).toBe(0);
    // Drafts waiting for review were approved (several times at once) and each sent exactly once.
    expect(Number(summary.details.emailsSent)).toBeGreaterThan(0);
    expect(Number(summary.details.approvals)).toBeGreaterThan(Number(summary.details.emailsSent));
  }, 180_000);
});
