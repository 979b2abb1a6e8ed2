import { describe, expect, it } from 'vitest';
import type { CrmNotice } from '../ports';
import { InMemoryCrmStore } from './memory';
import { notifyCrm, queuedCrmNotifier, sweepPendingCrmJobs } from './notify';
import type { CrmJob } from './types';

const NOW = new Date('2026-03-02T09:20:00.000Z');

/** A queue that records jobs, or refuses them while `down`. */
const queue = () => {
  const sent: CrmJob[] = [];
  const q = {
    down: false,
    sent,
    async send(job: CrmJob) {
      if (q.down) throw new Error('TimeoutError');
      sent.push(structuredClone(job));
    },
  };
  return q;
};

describe('queuedCrmNotifier', () => {
  it('puts the job on the CRM queue with ids only', async () => {
    // Prepare
    const q = queue();
    const store = new InMemoryCrmStore();
    const notifier = queuedCrmNotifier({ queue: q, pending: store.pending, now: () => NOW });

    // Act
    await notifier.notify({ leadId: 'L1', trigger: 'routed' });
    await notifier.notify({
      leadId: 'L1',
      trigger: 'outcome',
      outcome: { outcome: 'won', id: 'o-1', at: NOW.toISOString(), value: 1200 },
    });

    // Assess
    expect(q.sent).toEqual([
      { leadId: 'L1', trigger: 'routed' },
      {
        leadId: 'L1',
        trigger: 'outcome',
        outcome: { outcome: 'won', id: 'o-1', at: NOW.toISOString(), value: 1200 },
      },
    ]);
    expect(store.pendingJobs.size).toBe(0);
  });

  it('keeps the job when the queue is down, and the sweeper queues it once the queue is back', async () => {
    // Prepare
    const q = queue();
    q.down = true;
    const store = new InMemoryCrmStore();
    const deferred: CrmNotice[] = [];
    const notifier = queuedCrmNotifier({
      queue: q,
      pending: store.pending,
      now: () => NOW,
      onDeferred: (n) => deferred.push(n),
    });

    // Act
    await notifier.notify({ leadId: 'L1', trigger: 'routed' });
    await notifier.notify({ leadId: 'L2', trigger: 'email_sent' });
    const whileDown = await sweepPendingCrmJobs({ pending: store.pending, queue: q }, { limit: 10 });
    q.down = false;
    const afterwards = await sweepPendingCrmJobs({ pending: store.pending, queue: q }, { limit: 10 });

    // Assess
    expect(deferred.map((n) => n.leadId)).toEqual(['L1', 'L2']);
    expect(whileDown).toEqual({ queued: 0, left: 2 });
    expect(afterwards).toEqual({ queued: 2, left: 0 });
    expect(q.sent).toEqual([
      { leadId: 'L1', trigger: 'routed' },
      { leadId: 'L2', trigger: 'email_sent' },
    ]);
    expect(store.pendingJobs.size).toBe(0);
  });

  it('never throws, and reports the job when neither the queue nor the pending store takes it', async () => {
    // Prepare
    const q = queue();
    q.down = true;
    const lost: CrmNotice[] = [];
    const notifier = queuedCrmNotifier({
      queue: q,
      pending: {
        keep: async () => {
          throw new Error('ProvisionedThroughputExceededException');
        },
        list: async () => [],
        remove: async () => {},
      },
      now: () => NOW,
      onLost: (n) => lost.push(n),
    });

    // Act
    const result = notifier.notify({ leadId: 'L1', trigger: 'routed' });

    // Assess
    await expect(result).resolves.toBeUndefined();
    expect(lost).toEqual([{ leadId: 'L1', trigger: 'routed' }]);
  });
});

describe('notifyCrm', () => {
  it('swallows what a broken notifier throws, and does nothing without a notifier', async () => {
    // Prepare
    const broken = {
      notify: async () => {
        throw new Error('broken');
      },
    };

    // Act
    const withBroken = notifyCrm(broken, { leadId: 'L1', trigger: 'routed' });
    const without = notifyCrm(undefined, { leadId: 'L1', trigger: 'routed' });

    // Assess
    await expect(withBroken).resolves.toBeUndefined();
    await expect(without).resolves.toBeUndefined();
  });
});
