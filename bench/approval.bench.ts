/**
 * Approval → accepted by SES: on the in-process local stack (handoff: review everything), N leads are posted,
 * qualified and drafted; then a rep approves each pending draft over the API and we measure until the SES
 * emulator holds the email. Run: `npm run bench:approval [N]`. Writes bench/results/approval.json.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../local/start';
import { machineInfo, writeResult } from './support/report';
import { summarize } from './support/stats';

const N = Number(process.argv[2] ?? 60);
const handoffFile = join(mkdtempSync(join(tmpdir(), 'lq-approval-')), 'handoff.yaml');
writeFileSync(handoffFile, 'version: bench@1\ndefault: review\nrules: []\n');

const stack = await startLocalStack({
  dataDir: null,
  port: 0,
  emulatorPorts: { dynamodb: 0, sqs: 0, sesv2: 0 },
  idleBackoffMs: { min: 5, max: 50 },
  log: () => {},
  env: {
    HANDOFF_FILE: handoffFile,
    LOG_LEVEL: 'ERROR',
    INTAKE_RATE_PER_MINUTE: '100000',
    INTAKE_CLIENT_RATE_PER_MINUTE: '100000',
  },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
try {
  const login = async (personId: string) =>
    (
      (await (
        await fetch(`${stack.url}/auth/dev-login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ personId }),
        })
      ).json()) as { token: string }
    ).token;
  const manager = await login('mgr-sofie');

  // Prepare: N leads from business addresses, drafted and waiting for review.
  for (let i = 0; i < N; i++) {
    await fetch(`${stack.url}/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `buyer${i}@bench-${i}.example`,
        firstName: 'Sam',
        company: `Bench ${i} BV`,
        employees: '51-200',
        country: 'NL',
        formType: 'demo',
        message: 'Graag een demo',
      }),
    });
  }
  /** The manager's whole pending inbox, page by page. */
  const listPending = async () => {
    const items: { leadId: string }[] = [];
    let cursor: string | undefined;
    do {
      const res = await fetch(
        `${stack.url}/drafts?status=pending&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { headers: { authorization: `Bearer ${manager}` } },
      );
      const page = (await res.json()) as { items: { leadId: string }[]; nextCursor?: string };
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };
  let pending: { leadId: string }[] = [];
  for (let t = 0; t < 600 && pending.length < N; t++) {
    await sleep(250);
    pending = await listPending();
  }
  if (pending.length < N) throw new Error(`only ${pending.length} of ${N} drafts reached the inbox`);

  // Act: approve one at a time and wait until SES has accepted that email.
  const latencies: number[] = [];
  for (const { leadId } of pending) {
    const before = ((await (await fetch(`${stack.endpoints.sesv2}/store`)).json()) as { emails: unknown[] })
      .emails.length;
    const t0 = performance.now();
    const res = await fetch(`${stack.url}/drafts/${leadId}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${manager}` },
    });
    if (res.status !== 202) throw new Error(`approve answered ${res.status}`);
    for (;;) {
      const emails = ((await (await fetch(`${stack.endpoints.sesv2}/store`)).json()) as { emails: unknown[] })
        .emails;
      if (emails.length > before) break;
      await sleep(2);
    }
    latencies.push(performance.now() - t0);
  }

  const summary = summarize(latencies);
  console.log(`approval → accepted by SES over ${latencies.length} drafts (ms):`, summary);
  writeResult('approval', {
    name: 'approval',
    date: new Date().toISOString(),
    machine: machineInfo(),
    drafts: latencies.length,
    latencyMs: summary,
    method:
      'in-process local stack; a manager approves each pending draft over HTTP; measured until the SES v2 emulator store holds the email (send poller idle back-off 5 → 50 ms)',
  });
} finally {
  await stack.stop();
}
