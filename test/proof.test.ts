/**
 * The whole-chain proof at a small N: leads flow through intake → qualify → draft while handlers crash
 * before and after their work, SQS delivers twice, the LLM fails in three ways and websites are slow — and
 * DynamoDB, SQS and SES each become unreachable or break connections mid-request (fault proxies in front of
 * the emulators), and afterwards every submission was answered, nothing is lost or stuck, duplicates map to
 * one lead, spam is never qualified, no two leads share a rotation ticket and every rep's load matches the
 * leads holding it, drafts approved several times at once are sent once, and no address gets the same email
 * twice. Then engagement events and outcomes (closing, reopening) flow under the same crashes: every load taken
 * is released exactly once when its lead closes, and no lead has two score versions with the same cause.
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
    // DynamoDB, SQS and SES each went away or broke connections while leads and approvals flowed.
    const outages = summary.details.outages as Array<{ service: string; mode: string }>;
    expect([...new Set(outages.map((o) => o.service))].sort()).toEqual(['dynamodb', 'sesv2', 'sqs']);
    expect([...new Set(outages.map((o) => o.mode))].sort()).toEqual(['delay', 'refuse', 'reset', 'stall']);
    const broken = summary.details.brokenConnections as Record<string, number>;
    expect(broken.dynamodb).toBeGreaterThan(0);
    expect(summary.details.unanswered).toBe(0);
    // Drafts waiting for review were approved (several times at once) and each sent exactly once.
    expect(Number(summary.details.emailsSent)).toBeGreaterThan(0);
    expect(Number(summary.details.approvals)).toBeGreaterThan(Number(summary.details.emailsSent));
    // Events and outcomes flowed too: events were kept, scores re-versioned, leads closed and reopened.
    expect(Number(summary.details.eventLeads)).toBeGreaterThan(0);
    expect(Number(summary.details.eventsKept)).toBeGreaterThan(0);
    expect(Number(summary.details.scoreVersions)).toBeGreaterThan(0);
    expect(Number(summary.details.outcomeLeads)).toBeGreaterThan(0);
    expect((summary.details.outcomeStatuses as Record<string, number>)['200']).toBeGreaterThan(0);
    const closed = summary.details.finalStates as Record<string, number>;
    expect((closed.won ?? 0) + (closed.lost ?? 0) + (closed.disqualified ?? 0)).toBeGreaterThan(0);
  }, 300_000);
});
