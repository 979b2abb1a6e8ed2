/**
 * A missed first-contact SLA escalates once per due time, per team as config/follow-up.yaml says: the manager's
 * email, or a reassignment to the next available rep with the load moved along.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shippedRouting } from '../../platform/shipped-routing';
import { type FollowUpFile, parseFollowUp } from '../follow-up';
import type { LeadRecord } from '../lead-record';
import type { LeadStatus } from '../lifecycle';
import { type Mailer, MailerError, type OutgoingMail } from '../ports';
import { InMemoryLeadStore } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead, sampleRoute, sampleScore } from '../testing/samples';
import { runSlaEscalation } from './escalate-sla';

// A Wednesday, 11:00 in Amsterdam: everyone works.
const NOW = new Date('2026-03-04T10:00:00.000Z');
const routing = shippedRouting();
const followUp = parseFollowUp(readFileSync('config/follow-up.yaml', 'utf8'));

const lead = (
  n: number,
  o: { owner: string; team: string; sla: string; status?: LeadStatus; takesLoad?: boolean },
): LeadRecord =>
  ({
    leadId: `01JSLA${String(n).padStart(20, '0')}`,
    status: o.status ?? 'drafted',
    receivedAt: '2026-03-04T08:00:00.000Z',
    provider: 'json',
    dedupKey: `d${n}`,
    lead: sampleLead(),
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: sampleEnrichment(),
    score: { ...sampleScore(), tier: 'hot' },
    route: { ...sampleRoute(), ownerId: o.owner, team: o.team, slaDueAt: o.sla },
    steps: {},
    ...(o.takesLoad ? { loadTaken: `${o.team}#${o.owner}` } : {}),
  }) as LeadRecord;

const setup = (records: LeadRecord[], o: { failures?: MailerError[]; file?: FollowUpFile } = {}) => {
  const store = new InMemoryLeadStore(() => NOW);
  for (const r of records) store.seed(r);
  const sent: OutgoingMail[] = [];
  const failures = [...(o.failures ?? [])];
  const mailer: Mailer = {
    async send(mail) {
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push(mail);
      return { messageId: `m-${sent.length}` };
    },
  };
  let n = 0;
  const deps = {
    store,
    mailer,
    fromAddress: 'sales@example.com',
    routing,
    followUp: () => o.file ?? followUp,
    leadPageBaseUrl: 'https://leads.example.com/#lead/',
    now: () => NOW,
    newId: () => `attempt-${++n}`,
  };
  return { store, deps, sent };
};

describe('SLA escalation', () => {
  it('emails the team manager once for a lead not contacted in time, in the manager’s language', async () => {
    // Prepare
    const late = lead(1, { owner: 'rep-anna', team: 'enterprise', sla: '2026-03-04T09:00:00.000Z' });
    const contacted = lead(2, {
      owner: 'rep-anna',
      team: 'enterprise',
      sla: '2026-03-04T09:10:00.000Z',
      status: 'sent',
    });
    const notDue = lead(3, { owner: 'rep-anna', team: 'enterprise', sla: '2026-03-04T11:00:00.000Z' });
    const { store, deps, sent } = setup([late, contacted, notDue]);
    // Act
    const first = await runSlaEscalation(deps);
    const second = await runSlaEscalation(deps);
    // Assess
    expect(first).toEqual({ breached: 1, alerted: 1, reassigned: 0, skipped: 0, failed: 0 });
    expect(second).toEqual({ breached: 1, alerted: 0, reassigned: 0, skipped: 1, failed: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe('sofie.mulder@example.com');
    expect(sent[0]?.subject).toMatch(/^SLA gemist: .+ \(Anna de Vries, 60 min te laat\)$/);
    expect(sent[0]?.text).toContain(`https://leads.example.com/#lead/${late.leadId}`);
    expect((await store.get(late.leadId))?.escalation).toMatchObject({
      action: 'alert_manager',
      managerId: 'mgr-sofie',
      fromOwnerId: 'rep-anna',
      email: 'sent',
    });
    expect((await store.get(contacted.leadId))?.escalation).toBeUndefined();
  });

  it('reassigns a late lead to the next rep of the team in rotation order, moving the load, once', async () => {
    // Prepare
    const late = lead(1, {
      owner: 'rep-bram',
      team: 'smb',
      sla: '2026-03-04T09:30:00.000Z',
      takesLoad: true,
    });
    const { store, deps, sent } = setup([late]);
    store.loads.set('smb#rep-bram', 5);
    // Act
    const first = await runSlaEscalation(deps);
    const second = await runSlaEscalation(deps);
    // Assess
    expect(first.reassigned).toBe(1);
    expect(second.reassigned).toBe(0);
    expect(sent).toHaveLength(0);
    const after = store.records.get(late.leadId);
    expect(after?.route?.ownerId).toBe('rep-eva');
    expect(after?.loadTaken).toBe('smb#rep-eva');
    expect(Object.fromEntries(store.loads)).toEqual({ 'smb#rep-bram': 4, 'smb#rep-eva': 1 });
    expect(after?.escalation).toMatchObject({
      action: 'reassign',
      fromOwnerId: 'rep-bram',
      toOwnerId: 'rep-eva',
    });
    expect(after?.audit).toEqual([
      expect.objectContaining({
        by: 'system',
        action: 'reassign',
        detail: expect.objectContaining({ to: 'rep-eva' }),
      }),
    ]);
  });

  it('skips a rep at capacity and hands the lead to the one after', async () => {
    // Prepare
    const late = lead(1, {
      owner: 'rep-bram',
      team: 'smb',
      sla: '2026-03-04T09:30:00.000Z',
      takesLoad: true,
    });
    const { store, deps } = setup([late]);
    store.loads.set('smb#rep-bram', 5);
    store.loads.set('smb#rep-eva', 40);
    // Act
    await runSlaEscalation(deps);
    // Assess
    expect(store.records.get(late.leadId)?.route?.ownerId).toBe('rep-youssef');
    expect(Object.fromEntries(store.loads)).toEqual({
      'smb#rep-bram': 4,
      'smb#rep-eva': 40,
      'smb#rep-youssef': 1,
    });
  });

  it('tries a throttled manager email again on the next run and sends it once', async () => {
    // Prepare
    const late = lead(1, { owner: 'rep-anna', team: 'enterprise', sla: '2026-03-04T09:00:00.000Z' });
    const { store, deps, sent } = setup([late], { failures: [new MailerError('Throttling', 'retryable')] });
    // Act
    const first = await runSlaEscalation(deps);
    const throttled = (await store.get(late.leadId))?.escalation?.email;
    const second = await runSlaEscalation(deps);
    const third = await runSlaEscalation(deps);
    // Assess
    expect(first.alerted).toBe(0);
    expect(throttled).toBe('throttled');
    expect(second.alerted).toBe(1);
    expect(third.alerted).toBe(0);
    expect(sent).toHaveLength(1);
  });

  it('does nothing for a team whose action is none, and leaves breaches older than the lookback alone', async () => {
    // Prepare
    const file: FollowUpFile = { ...followUp, sla: { ...followUp.sla, default: { action: 'none' } } };
    const none = lead(1, { owner: 'rep-anna', team: 'enterprise', sla: '2026-03-04T09:00:00.000Z' });
    const old = lead(2, { owner: 'rep-bram', team: 'smb', sla: '2026-02-20T09:00:00.000Z' });
    const { store, deps, sent } = setup([none, old], { file });
    // Act
    const result = await runSlaEscalation(deps);
    // Assess
    expect(result).toEqual({ breached: 1, alerted: 0, reassigned: 0, skipped: 1, failed: 0 });
    expect(sent).toHaveLength(0);
    expect(store.records.get(old.leadId)?.route?.ownerId).toBe('rep-bram');
  });

  it('refuses a follow-up file with an unknown action, naming the field', () => {
    // Act
    const bad = () => parseFollowUp('version: x\nsla:\n  default: { action: shout }\nrequalify: {}\n');
    // Assess
    expect(bad).toThrow(/follow-up: sla\.default\.action: /);
  });
});
