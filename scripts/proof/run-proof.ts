/**
 * The whole-chain proof: runs the local stack in process, submits N varied leads (webform shapes,
 * duplicates, spam, hostile text) while injecting faults — handler crashes before AND after doing their work,
 * duplicate SQS deliveries, an LLM that answers 500, times out or returns garbage, slow websites, and outages
 * of every AWS service through the fault proxies in front of the emulators (local/fault-proxy.ts): DynamoDB
 * refusing connections, answering nothing (stalled), breaking connections after doing the work (the answer is
 * lost) and slow; SQS refusing connections and breaking them before and after doing the work; SES refusing
 * connections while the approved drafts go out — approves the drafts that wait for review through the
 * manager's paged inbox (several times at once), waits until the system is quiet, and then checks the
 * invariants from the stores themselves (DynamoDB, the DLQs, the SES store): every submission answered,
 * nothing lost or silently stuck, one owner per lead and per rotation ticket, every rep's load equal to the
 * leads holding it, one email per address and draft.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import type { LeadRecord } from '../../functions/agent/lead-record';
import { sweepOutbox } from '../../functions/agent/pipeline/sweep-outbox';
import { sqsLeadQueue as sqsQueue } from '../../functions/platform/lead-queues';
import { DynamoLeadStore } from '../../functions/platform/lead-store-dynamodb';
import { FUNCTIONS, QUEUES } from '../../infra/data-plane';
import { chatCompletion, startChatServer } from '../../local/chat-server';
import type { EmulatorName } from '../../local/emulators';
import type { FaultSettings } from '../../local/fault-proxy';
import { INJECTION_CORPUS } from '../../local/injection-corpus';
import type { SqsConsumer } from '../../local/sqs-poller';
import { startLocalStack } from '../../local/start';
import type { StreamConsumer } from '../../local/stream-poller';

export interface ProofOptions {
  readonly leads: number;
  readonly seed: number;
  /** Submissions per second. */
  readonly rate: number;
  /** Probability of each injected fault (per batch / per call). */
  readonly faultRate: number;
  /** Outages of DynamoDB, SQS and SES mid-run through the fault proxies (default true). */
  readonly outages?: boolean;
  readonly log: (line: string) => void;
}

export interface ProofSummary {
  submitted: number;
  accepted: number;
  lost: number;
  duplicateEmails: number;
  faultsInjected: number;
  dlq: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Details (not part of the one-line contract, printed before it). */
  details: Record<string, unknown>;
}

/** Deterministic PRNG (mulberry32) so a seed reproduces the same submissions and faults. */
const prng = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);

const FIRST = [
  'Sanne',
  'Daan',
  'Emma',
  'Lucas',
  'Noor',
  'Finn',
  'Julia',
  'Sem',
  'Tess',
  'Bram',
  'Lotte',
  'Jesse',
];
const COMPANIES = [
  'Koel Logistiek',
  'Bakkerij De Vries',
  'Fietsfabriek Noord',
  'Datastroom',
  'Zorgplein',
  'Bouwbedrijf Jansen',
];
const SIZES = ['1-10', '11-50', '51-200', '201-500', '1000+'];
const COUNTRIES = ['NL', 'NL', 'NL', 'BE', 'DE', 'GB'];
const FORMS = ['demo', 'contact', 'pricing', 'download', 'trial'];

interface Submission {
  readonly id: number;
  readonly contentType: string;
  readonly body: string;
  readonly kind: 'lead' | 'duplicate' | 'spam' | 'hostile';
  /** For duplicates: the submission it repeats. */
  readonly of?: number;
}

/** A varied submission: own JSON, plain HTML (urlencoded), or a Typeform webhook. */
const makeSubmission = (i: number, rnd: () => number, siteUrl: string, run: string): Submission => {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const first = pick(FIRST);
  const freeMail = rnd() < 0.2;
  const email = `${first.toLowerCase()}.${run}.${i}@${freeMail ? 'gmail.com' : `company${i % 40}.example`}`;
  const hostile = rnd() < 0.05;
  const spam = !hostile && rnd() < 0.03;
  const message = hostile
    ? pick(INJECTION_CORPUS).text
    : pick([
        'Graag een demo',
        'What does it cost for 20 users?',
        'Kunnen jullie ons helpen?',
        'Send me the whitepaper',
      ]);
  const fields: Record<string, string> = {
    email,
    firstName: first,
    lastName: 'Tester',
    company: pick(COMPANIES),
    website: siteUrl,
    employees: pick(SIZES),
    country: pick(COUNTRIES),
    formType: pick(FORMS),
    message,
    language: rnd() < 0.5 ? 'nl' : 'en',
  };
  const shape = rnd();
  if (spam) {
    return {
      id: i,
      kind: 'spam',
      contentType: 'application/x-www-form-urlencoded',
      body: new URLSearchParams({ ...fields, _gotcha: 'http://spam.example' }).toString(),
    };
  }
  if (shape < 0.6) {
    return {
      id: i,
      kind: hostile ? 'hostile' : 'lead',
      contentType: 'application/json',
      body: JSON.stringify(fields),
    };
  }
  if (shape < 0.85) {
    return {
      id: i,
      kind: hostile ? 'hostile' : 'lead',
      contentType: 'application/x-www-form-urlencoded',
      body: new URLSearchParams(fields).toString(),
    };
  }
  const token = `proof-${run}-${i}`;
  return {
    id: i,
    kind: hostile ? 'hostile' : 'lead',
    contentType: 'application/json',
    body: JSON.stringify({
      event_id: `evt-${token}`,
      event_type: 'form_response',
      form_response: {
        form_id: 'proofForm',
        token,
        submitted_at: new Date().toISOString(),
        definition: {
          id: 'proofForm',
          title: 'Demo aanvragen',
          fields: [
            { id: 'f1', ref: 'email', type: 'email', title: 'Work email' },
            { id: 'f2', ref: 'name', type: 'short_text', title: 'Your name' },
            { id: 'f3', ref: 'company', type: 'short_text', title: 'Company' },
            { id: 'f4', ref: 'message', type: 'long_text', title: 'How can we help?' },
          ],
        },
        answers: [
          { type: 'email', email, field: { id: 'f1', type: 'email', ref: 'email' } },
          { type: 'text', text: first, field: { id: 'f2', type: 'short_text', ref: 'name' } },
          { type: 'text', text: fields.company, field: { id: 'f3', type: 'short_text', ref: 'company' } },
          { type: 'text', text: message, field: { id: 'f4', type: 'long_text', ref: 'message' } },
        ],
      },
    }),
  };
};

/** A company website that is sometimes too slow for the website tool's timeout. */
const startSite = async (rnd: () => number, slowRate: number, counters: { slow: number }) => {
  const server: Server = createServer((_req, res) => {
    const slow = rnd() < slowRate;
    if (slow) counters.slow++;
    setTimeout(
      () => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          '<html lang="nl"><head><title>Proef BV</title><meta name="description" content="Software voor logistiek">' +
            '<script src="https://js.hs-scripts.com/1.js"></script></head><body><a href="/prijzen">Prijzen</a></body></html>',
        );
      },
      slow ? 5_000 : 0,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
};

export const runProof = async (options: ProofOptions): Promise<ProofSummary> => {
  const rnd = prng(options.seed);
  const faultRnd = prng(options.seed ^ 0x5eed);
  const run = `${options.seed.toString(36)}${Date.now().toString(36)}`;
  const faults = {
    crashBefore: 0,
    crashAfter: 0,
    duplicateDelivery: 0,
    llm500: 0,
    llmTimeout: 0,
    llmGarbage: 0,
    slow: 0,
    concurrentApprovals: 0,
    serviceOutages: 0,
  };
  const p = options.faultRate;
  const outagesWanted = options.outages ?? true;

  const site = await startSite(faultRnd, p, faults);
  const llm = await startChatServer(({ body }) => {
    const r = faultRnd();
    if (r < p) {
      faults.llm500++;
      return { status: 500, body: { error: { message: 'boom', type: 'server_error', code: null } } };
    }
    if (r < 2 * p) {
      faults.llmTimeout++;
      return { delayMs: 3_000, body: chatCompletion('{}') };
    }
    if (r < 3 * p) {
      faults.llmGarbage++;
      return { body: chatCompletion('this is { not json') };
    }
    const wantsEmail = JSON.stringify(body.messages).includes('"wantsEmail":true');
    return {
      body: chatCompletion(
        JSON.stringify({
          rationale: 'The ledger shows which rules fired; see the score breakdown for the points per axis.',
          questionsForFirstCall: ['What is your timeline?'],
          nextAction: 'Call within the SLA.',
          email: wantsEmail
            ? { subject: 'Your request', body: 'Thank you for your request. When suits you for a call?' }
            : null,
        }),
      ),
    };
  });

  /** The proof's own SQS client, straight to the emulator: the outages are for the system under test. */
  let observerSqs: SQSClient | undefined;
  /** A queue URL as the proof's own client reaches it (the emulator itself, not the fault proxy). */
  let observed = (url: string) => url;
  /** Fault injection around each consumer: crash before or after the real work; re-deliver a record. */
  const wrapConsumers = (consumers: readonly SqsConsumer[]) =>
    consumers.map((c) => ({
      ...c,
      // Short timeouts → a crashed batch is back in seconds (and a slow one may be delivered twice at once).
      timeoutSeconds: 5,
      handler: async (event: SQSEvent, context: unknown) => {
        const r = faultRnd();
        if (r < p) {
          faults.crashBefore++;
          throw new Error(`injected crash before ${c.functionName}`);
        }
        const result = await (c.handler as (e: SQSEvent, ctx: unknown) => Promise<unknown>)(event, context);
        if (r < 2 * p) {
          faults.crashAfter++;
          throw new Error(`injected crash after ${c.functionName}`);
        }
        for (const record of event.Records) {
          if (faultRnd() < p && observerSqs) {
            faults.duplicateDelivery++;
            await observerSqs.send(
              new SendMessageCommand({ QueueUrl: observed(c.queueUrl), MessageBody: record.body }),
            );
          }
        }
        return result;
      },
    }));

  /** The same around the stream consumers: crash before or after the work; deliver the batch twice. */
  const wrapStreamConsumers = (consumers: readonly StreamConsumer[]) =>
    consumers.map((c) => ({
      ...c,
      timeoutSeconds: 5,
      handler: async (event: DynamoDBStreamEvent, context: unknown) => {
        const run = c.handler as (e: DynamoDBStreamEvent, ctx: unknown) => Promise<unknown>;
        const r = faultRnd();
        if (r < p) {
          faults.crashBefore++;
          throw new Error(`injected crash before ${c.functionName}`);
        }
        const result = await run(event, context);
        if (r < 2 * p) {
          faults.crashAfter++;
          throw new Error(`injected crash after ${c.functionName}`);
        }
        if (faultRnd() < p) {
          faults.duplicateDelivery++;
          await run(event, context);
        }
        return result;
      },
    }));

  const quietLog = (line: string) => {
    if (!line.startsWith('[http]')) options.log(line);
  };
  const stack = await startLocalStack({
    dataDir: null,
    faults: true,
    port: 0,
    emulatorPorts: { dynamodb: 0, sqs: 0, sesv2: 0 },
    retryVisibilitySeconds: 1,
    log: quietLog,
    wrapConsumers,
    wrapStreamConsumers,
    env: {
      OPENAI_API_KEY: 'proof-key',
      OPENAI_BASE_URL: llm.baseURL,
      LLM_TIMEOUT_MS: '1500',
      LLM_MAX_RETRIES: '1',
      // A `sending` draft is a dead attempt after 15 s (120 s on AWS), well above a send's few milliseconds.
      SEND_STUCK_AFTER_SECONDS: '15',
      ALLOW_PRIVATE_TARGETS: 'true',
      INTAKE_RATE_PER_MINUTE: '1000000',
      INTAKE_CLIENT_RATE_PER_MINUTE: '1000000',
      // Injected faults make handlers log errors by design; the invariants are read from the stores. LOG_LEVEL=ERROR shows them.
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'SILENT',
    },
  });
  observerSqs = new SQSClient({ endpoint: stack.directEndpoints.sqs });
  observed = (url) => `${stack.directEndpoints.sqs}${new URL(url).pathname}`;
  const sqs = observerSqs;
  /**
   * Outages through the fault proxies, each started once when the submissions reach `at` (a fraction of them)
   * and the service has traffic to disturb: it is unreachable or misbehaves for `ms` (resets: for at most `ms`,
   * until `limit` connections were broken), then passes again. `sesv2` outages start with the approvals
   * instead (`at` is the fraction of approvals sent).
   */
  const OUTAGES: ReadonlyArray<{ service: EmulatorName; at: number; settings: FaultSettings; ms: number }> = [
    { service: 'dynamodb', at: 0.2, settings: { mode: 'refuse' }, ms: 1_500 },
    { service: 'dynamodb', at: 0.35, settings: { mode: 'reset', resetOn: 'response', limit: 5 }, ms: 5_000 },
    { service: 'sqs', at: 0.45, settings: { mode: 'refuse' }, ms: 1_500 },
    { service: 'dynamodb', at: 0.55, settings: { mode: 'stall' }, ms: 1_500 },
    { service: 'sqs', at: 0.65, settings: { mode: 'reset', resetOn: 'response', limit: 5 }, ms: 5_000 },
    { service: 'sqs', at: 0.75, settings: { mode: 'reset', resetOn: 'request', limit: 5 }, ms: 5_000 },
    { service: 'dynamodb', at: 0.85, settings: { mode: 'delay', delayMs: 100 }, ms: 2_000 },
    { service: 'sesv2', at: 0, settings: { mode: 'refuse' }, ms: 1_500 },
  ];
  /** Resolves once bytes move through `proxy` (or after 15 s): an outage without traffic tests nothing. */
  const traffic = async (proxy: NonNullable<typeof stack.faults>[EmulatorName]) => {
    const before = proxy.stats().bytes;
    const deadline = Date.now() + 15_000;
    while (proxy.stats().bytes === before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
  };
  const outagesRunning: Promise<void>[] = [];
  const outagesStarted = new Set<number>();
  const outageLog: Array<{ service: EmulatorName; mode: string; ms: number }> = [];
  const startOutages = (phase: 'submissions' | 'approvals', fraction: number) => {
    if (!outagesWanted || !stack.faults) return;
    for (const [i, o] of OUTAGES.entries()) {
      if ((o.service === 'sesv2') !== (phase === 'approvals') || fraction < o.at || outagesStarted.has(i))
        continue;
      outagesStarted.add(i);
      outageLog.push({ service: o.service, mode: o.settings.mode, ms: o.ms });
      faults.serviceOutages++;
      const proxy = stack.faults[o.service];
      // Outages run one after another, each for its full time.
      const previous = outagesRunning.at(-1) ?? Promise.resolve();
      outagesRunning.push(
        previous.then(async () => {
          await traffic(proxy);
          options.log(`[proof] ${o.service}: ${o.settings.mode} for ${o.ms} ms`);
          await proxy.outage(o.settings, o.ms);
        }),
      );
    }
  };
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.directEndpoints.dynamodb }));
  const table = stack.provisioned.tables.leads;

  try {
    // --- submit ---------------------------------------------------------------------------------------
    const submissions: Submission[] = [];
    for (let i = 0; i < options.leads; i++) {
      const earlier = submissions.filter((s) => s.kind !== 'duplicate');
      if (earlier.length > 0 && rnd() < 0.1) {
        const orig = earlier[Math.floor(rnd() * earlier.length)] as Submission;
        submissions.push({ ...orig, id: i, kind: 'duplicate', of: orig.id });
      } else submissions.push(makeSubmission(i, rnd, site.url, run));
    }
    const leadIdOf = new Map<number, string>();
    const statusCounts: Record<string, number> = {};
    let next = 0;
    const started = Date.now();
    /** Submissions that never got a final answer (a form provider would have given up). */
    let unanswered = 0;
    /**
     * Posts like a webform provider's webhook delivery: a 5xx or a dropped connection is retried with
     * exponential back-off (0.5 s doubling to 15 s, jittered, at least the Retry-After the intake sends), for
     * up to three minutes; a 202 or a 4xx is final. Providers back off like this; a client that retried every
     * half second would keep a slow machine busy with its own retries.
     */
    const post = async (s: Submission) => {
      const giveUpAt = Date.now() + 180_000;
      for (let attempt = 0; Date.now() < giveUpAt; attempt++) {
        const backoffMs = Math.min(15_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
        let retryAfterMs = backoffMs;
        try {
          const res = await fetch(`${stack.url}/leads`, {
            method: 'POST',
            headers: { 'content-type': s.contentType },
            body: s.body,
          });
          statusCounts[res.status] = (statusCounts[res.status] ?? 0) + 1;
          if (res.status === 202) {
            leadIdOf.set(s.id, ((await res.json()) as { leadId: string }).leadId);
            return;
          }
          await res.arrayBuffer();
          if (res.status < 500) return;
          retryAfterMs = Math.max(backoffMs, 1000 * Number(res.headers.get('retry-after') ?? 0));
        } catch {
          statusCounts.network = (statusCounts.network ?? 0) + 1;
        }
        await new Promise((r) => setTimeout(r, retryAfterMs));
      }
      unanswered++;
    };
    const inFlight = new Set<Promise<void>>();
    while (next < submissions.length) {
      const due = Math.floor(((Date.now() - started) / 1000) * options.rate) + 1;
      while (next < Math.min(due, submissions.length) && inFlight.size < 64) {
        startOutages('submissions', next / submissions.length);
        const job = post(submissions[next++] as Submission).finally(() => inFlight.delete(job));
        inFlight.add(job);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(inFlight);
    await Promise.all(outagesRunning);
    options.log(`[proof] submitted ${submissions.length} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // --- approve what waits for review (if the review API exists) --------------------------------------
    const hasReview = Object.values(FUNCTIONS).some((f) =>
      ((f as { http?: readonly { path: string }[] }).http ?? []).some((r) => r.path.includes('/approve')),
    );

    // --- wait until quiet ------------------------------------------------------------------------------
    const queueUrls = [...Object.values(stack.provisioned.queueUrls)];
    const depth = async (url: string) => {
      const out = await (sqs as SQSClient).send(
        new GetQueueAttributesCommand({
          QueueUrl: observed(url),
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            // A debounced re-score waits in a delayed message.
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      );
      return (
        Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) +
        Number(out.Attributes?.ApproximateNumberOfMessagesDelayed ?? 0)
      );
    };
    const store = new DynamoLeadStore(db, table);
    /**
     * Drafts on their way out: sending, or approved and due (an approved draft scheduled for the next business
     * opening waits in a delayed message on purpose). Read from the drafts index; a delayed re-check of an
     * attempt in flight is invisible in the queue depths, but its draft is counted here.
     */
    const draftsUnderway = async () => {
      let n = 0;
      for (const status of ['sending', 'approved'] as const) {
        let after: Record<string, string> | undefined;
        do {
          const page = await store.listDrafts(status, { limit: 500, ...(after ? { after } : {}) });
          n += page.records.filter((r) => !(Date.parse(r.draft?.sendAfter ?? '') > Date.now())).length;
          after = page.next;
        } while (after);
      }
      return n;
    };
    const waitQuiet = async () => {
      let quietChecks = 0;
      const deadline = Date.now() + Math.max(120_000, options.leads * 100);
      while (quietChecks < 3 && Date.now() < deadline) {
        const depths = await Promise.all(queueUrls.map(depth));
        // The table's stream is the intake's outbox: caught up when no stream consumer holds a record.
        const streams = Object.values((await stack.health()).components.streams.consumers) as {
          pending: number;
        }[];
        const quiet =
          depths.every((d) => d === 0) &&
          streams.every((s) => s.pending === 0) &&
          (await draftsUnderway()) === 0;
        quietChecks = quiet ? quietChecks + 1 : 0;
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await waitQuiet();
    // The outbox sweeper's job: anything stored but never qualified is queued again (a lost message).
    const swept = await sweepOutbox(
      { store, qualifyQueue: sqsQueue(sqs, observed(stack.provisioned.queueUrls.qualify)) },
      { olderThanSeconds: 0, limit: 1000 },
    );
    if (swept > 0) await waitQuiet();

    // A manager approves every draft waiting for review, each one 1–3 times at the same moment (double clicks,
    // two approvers); exactly one email may come of it.
    let approvals = 0;
    let inboxListed = 0;
    if (hasReview) {
      const login = await fetch(`${stack.url}/auth/dev-login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ personId: 'mgr-sofie' }),
      });
      const { token } = (await login.json()) as { token: string };
      const auth = { authorization: `Bearer ${token}` };
      // The pending drafts, as the manager's inbox lists them (paged from the drafts index); every approval
      // goes through the review API. SES becomes unreachable for a while as the approved drafts go out.
      const pending: { leadId: string }[] = [];
      let cursor: string | undefined;
      do {
        const res = await fetch(
          `${stack.url}/drafts?status=pending&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { headers: auth },
        );
        if (res.status !== 200) throw new Error(`The manager's inbox answered ${res.status}`);
        const page = (await res.json()) as { items: { leadId: string }[]; nextCursor?: string };
        pending.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      inboxListed = pending.length;
      for (let i = 0; i < pending.length; i += 16) {
        startOutages('approvals', i / Math.max(1, pending.length));
        await Promise.all(
          pending.slice(i, i + 16).flatMap(({ leadId }) => {
            const times = 1 + Math.floor(rnd() * 3);
            faults.concurrentApprovals += times - 1;
            approvals += times;
            return Array.from({ length: times }, async () => {
              const res = await fetch(`${stack.url}/drafts/${leadId}/approve`, {
                method: 'POST',
                headers: auth,
              });
              await res.arrayBuffer();
            });
          }),
        );
      }
      await Promise.all(outagesRunning);
      await waitQuiet();
    }

    // --- events and outcomes: a score that lives, leads that close and reopen -------------------------------
    // Engagement events for a share of the owned leads (each batch posted twice at once: repeats are kept once), and
    // outcomes recorded by the manager for a share of the owned leads (some twice at once, some closed, reopened
    // and closed again), while the consumers keep crashing and re-delivering.
    const managerAuth = async () => {
      const login = await fetch(`${stack.url}/auth/dev-login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ personId: 'mgr-sofie' }),
      });
      const { token } = (await login.json()) as { token: string };
      return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    };
    /** A request retried on 5xx or a dropped connection (like a client would); the final status. */
    const send = async (path: string, body: unknown, headers: Record<string, string>) => {
      for (let attempt = 0; attempt < 8; attempt++) {
        try {
          const res = await fetch(`${stack.url}${path}`, {
            method: 'POST',
            headers,
            body: JSON.stringify(body),
          });
          await res.arrayBuffer();
          if (res.status < 500) return res.status;
        } catch {
          // dropped: try again
        }
        await new Promise((r) => setTimeout(r, 250 * 2 ** Math.min(attempt, 4)));
      }
      return 0;
    };
    const current = await Promise.all([...new Set(leadIdOf.values())].map((id) => store.get(id)));
    const scored = current.filter(
      (r): r is LeadRecord => r !== undefined && r.score !== undefined && r.status !== 'failed',
    );
    const share = Math.max(4, Math.ceil(options.leads / 4));
    const eventLeads = scored.filter((r) => ['drafted', 'sent', 'routed'].includes(r.status)).slice(0, share);
    const outcomeLeads = scored
      .filter((r) => r.route?.kind === 'owner' && ['drafted', 'sent', 'routed'].includes(r.status))
      .slice(-share);
    const eventIds = new Map<string, Set<string>>();
    const EVENT_TYPES = ['page_view', 'pricing_page', 'download', 'webinar', 'email_click', 'email_reply'];
    let eventPosts = 0;
    let outcomePosts = 0;
    const outcomeStatuses: Record<string, number> = {};
    const headers = await managerAuth();
    for (let i = 0; i < eventLeads.length; i += 8) {
      const batch = eventLeads.slice(i, i + 8).flatMap((r) => {
        const n = 2 + Math.floor(rnd() * 4);
        return Array.from({ length: n }, (_, j) => {
          const id = `${run}-${r.leadId}-${j}`;
          const ids = eventIds.get(r.leadId) ?? new Set<string>();
          ids.add(id);
          eventIds.set(r.leadId, ids);
          const type = EVENT_TYPES[Math.floor(rnd() * EVENT_TYPES.length)] as string;
          return {
            id,
            type,
            occurredAt: new Date(Date.now() - Math.floor(rnd() * 86_400_000)).toISOString(),
            leadId: r.leadId,
            ...(type === 'page_view' ? { url: `https://example.com/p/${j}` } : {}),
          };
        });
      });
      eventPosts += 2;
      await Promise.all([
        send('/events?source=proof', { events: batch }, { 'content-type': 'application/json' }),
        send(
          '/events?source=proof',
          { events: [...batch].reverse() },
          { 'content-type': 'application/json' },
        ),
      ]);
    }
    const outcome = async (leadId: string, body: Record<string, unknown>, times = 1) => {
      outcomePosts += times;
      const statuses = await Promise.all(
        Array.from({ length: times }, () => send(`/leads/${leadId}/outcome`, body, headers)),
      );
      for (const st of statuses) outcomeStatuses[st] = (outcomeStatuses[st] ?? 0) + 1;
    };
    await Promise.all(
      outcomeLeads.map(async (r, i) => {
        switch (i % 4) {
          case 0: // a deal: a meeting, then won (each posted twice at once)
            await outcome(r.leadId, { outcome: 'meeting_booked' }, 2);
            await outcome(r.leadId, { outcome: 'won', value: 12_000 }, 2);
            break;
          case 1: // lost, posted three times at once
            await outcome(r.leadId, { outcome: 'lost', reason: 'No budget this year' }, 3);
            break;
          case 2: // disqualified, reopened, then lost: released, taken again, released again
            await outcome(r.leadId, { outcome: 'disqualified', reason: 'Not a fit' }, 2);
            outcomePosts++;
            outcomeStatuses.reopen = (outcomeStatuses.reopen ?? 0) + 1;
            await send(`/leads/${r.leadId}/reopen`, { reason: 'They came back' }, headers);
            await outcome(r.leadId, { outcome: 'lost', reason: 'Chose a competitor' });
            break;
          default: // contacted: still open, still holds its load
            await outcome(r.leadId, { outcome: 'contacted' }, 2);
        }
      }),
    );
    await waitQuiet();
    options.log(
      `[proof] events for ${eventLeads.length} leads, outcomes for ${outcomeLeads.length} leads, quiet again`,
    );

    // --- invariants, from the stores ---------------------------------------------------------------------
    const items: Record<string, unknown>[] = [];
    let lastKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: lastKey }));
      items.push(...(page.Items ?? []));
      lastKey = page.LastEvaluatedKey;
    } while (lastKey);
    const leads = new Map(
      items
        // A lead item, not the reservation of a lead id for a dedup bucket.
        .filter((i) => String(i.pk).startsWith('LEAD#') && !('reservedFor' in i))
        .map((i) => [String(i.leadId), i as unknown as LeadRecord]),
    );
    const rr = items.filter((i) => String(i.pk).startsWith('RR#'));

    const accepted = new Set(leadIdOf.values());
    let lost = 0;
    const stuck: string[] = [];
    const finalStates: Record<string, number> = {};
    const draftStates: Record<string, number> = {};
    for (const leadId of accepted) {
      const lead = leads.get(leadId);
      if (!lead) {
        lost++;
        continue;
      }
      finalStates[lead.status] = (finalStates[lead.status] ?? 0) + 1;

      const draftStatus = lead.draft?.status;
      const scheduled = draftStatus === 'approved' && Date.parse(lead.draft?.sendAfter ?? '') > Date.now();
      const draftSettled = draftStatus !== 'approved' && draftStatus !== 'sending';
      // An auto-send outside business hours waits for the next opening: `scheduled`, not stuck.
      const draftState = scheduled ? 'scheduled' : (draftStatus ?? 'no draft');
      draftStates[draftState] = (draftStates[draftState] ?? 0) + 1;
      const final =
        lead.status === 'spam' ||
        lead.status === 'sent' ||
        // Closed or a meeting booked by the outcomes phase.
        ['won', 'lost', 'disqualified', 'meeting'].includes(lead.status) ||
        (lead.status === 'failed' && lead.error !== undefined) ||
        ((lead.status === 'drafted' || lead.status === 'nurture') &&
          lead.rationale !== undefined &&
          (draftSettled || scheduled));
      if (!final)
        stuck.push(
          `${leadId}:${lead.status}/draft=${draftStatus ?? 'none'}/scored=${lead.score !== undefined}/routed=${lead.route !== undefined}/rationale=${lead.rationale !== undefined}/outbox=${'outboxPk' in lead}/error=${lead.error?.message ?? 'none'}`,
        );
    }
    const duplicatesMismatched = submissions.filter(
      (s) => s.kind === 'duplicate' && s.of !== undefined && leadIdOf.get(s.id) !== leadIdOf.get(s.of),
    ).length;
    const spamQualified = submissions.filter(
      (s) => s.kind === 'spam' && leads.get(leadIdOf.get(s.id) ?? '')?.status !== 'spam',
    ).length;
    // One owner per lead and per rotation ticket; every rep's load equals the leads that hold it: a load taken
    // and not released (`loadReleasedAt`). Every closed lead released the load it took, no open one did, so
    // each load was released exactly once when its lead closed (a second release would leave the rep's load
    // below the leads holding it). Tickets taken but never used (a crash between ticket and route, a duplicate
    // delivery that lost the race) are gaps, which the fairness bound allows; they are counted.
    const ticketUse = new Map<string, number>();
    const held = new Map<string, number>();
    let routedWithoutTicket = 0;
    let closedHoldingLoad = 0;
    let openWithoutLoad = 0;
    for (const lead of leads.values()) {
      const record = lead as unknown as {
        loadTaken?: string;
        loadReleasedAt?: string;
        rotationTicket?: string;
      };
      const closed = ['won', 'lost', 'disqualified', 'nurture'].includes(lead.status);
      if (record.loadTaken && record.loadReleasedAt === undefined) {
        held.set(record.loadTaken, (held.get(record.loadTaken) ?? 0) + 1);
        if (closed) closedHoldingLoad++;
      }
      if (record.loadTaken && record.loadReleasedAt !== undefined && !closed) openWithoutLoad++;
      if (record.loadTaken) {
        if (!record.rotationTicket) routedWithoutTicket++;
      }
      if (record.rotationTicket) {
        const key = `${lead.route?.team}#${record.rotationTicket}`;
        ticketUse.set(key, (ticketUse.get(key) ?? 0) + 1);
      }
    }
    const ticketsShared = [...ticketUse.values()].filter((n) => n > 1).length;
    // Events kept once per id; no lead has two score versions with the same cause; no re-score request left.
    const versionsByLead = new Map<string, string[]>();
    const eventsByLead = new Map<string, number>();
    for (const i of items) {
      const pk = String(i.pk);
      if (!pk.startsWith('LEAD#')) continue;
      const sk = String(i.sk);
      if (sk.startsWith('SCORE#'))
        versionsByLead.set(pk, [...(versionsByLead.get(pk) ?? []), String(i.cause)]);
      if (sk.startsWith('EVENT#')) eventsByLead.set(pk, (eventsByLead.get(pk) ?? 0) + 1);
    }
    const sameCauseTwice =
      [...versionsByLead.values()].filter((causes) => new Set(causes).size !== causes.length).length +
      [...leads.values()].filter((l) => {
        const causes = (l as unknown as { scoreCauses?: string[] }).scoreCauses ?? [];
        return new Set(causes).size !== causes.length;
      }).length;
    const eventsMismatched = [...eventIds.entries()].filter(
      ([leadId, ids]) => (eventsByLead.get(`LEAD#${leadId}`) ?? 0) !== ids.size,
    ).length;
    const rescoreMarksLeft = [...leads.values()].filter(
      (l) => (l as unknown as { rescoreRequestedAt?: string }).rescoreRequestedAt !== undefined,
    ).length;
    const scoreVersions = [...versionsByLead.values()].reduce((n, v) => n + v.length, 0);
    const loadItems = items.filter((i) => String(i.pk).startsWith('LOAD#'));
    const loadMismatch =
      loadItems.filter((i) => Number(i.load ?? 0) !== (held.get(`${i.team}#${i.rep}`) ?? 0)).length +
      [...held.keys()].filter((k) => !loadItems.some((i) => `${i.team}#${i.rep}` === k)).length;
    const ticketsTaken = rr.reduce((sum, i) => sum + Number(i.seq ?? 0), 0);
    const rotationGaps = ticketsTaken - ticketUse.size;
    const dlqDepths = await Promise.all(Object.values(stack.provisioned.dlqUrls).map(depth));
    const dlq = dlqDepths.reduce((a, b) => a + b, 0);
    const failed = [...leads.values()].filter((l) => l.status === 'failed').length;
    // Every draft that waited for review was in the manager's inbox and approved: none may still wait.
    const pendingAfterApproval = hasReview
      ? [...leads.values()].filter((l) => accepted.has(l.leadId) && l.draft?.status === 'pending').length
      : 0;

    const mail = (await (await fetch(new URL('/store', stack.directEndpoints.sesv2))).json()) as {
      emails: { destination: { to: string[] }; subject: string; body?: { text?: string } }[];
    };
    const perAddress = new Map<string, number>();
    // The same message twice to the same address (internal alerts to one rep differ by their lead).
    for (const e of mail.emails) {
      const key = `${e.destination.to.join(',')}|${e.subject}|${e.body?.text ?? ''}`;
      perAddress.set(key, (perAddress.get(key) ?? 0) + 1);
    }
    const duplicateEmails = [...perAddress.values()].filter((n) => n > 1).length;

    const latencies = [...leads.values()]
      .filter((l) => l.route?.assignedAt && accepted.has(l.leadId))
      .map((l) => Date.parse(l.route?.assignedAt as string) - Date.parse(l.receivedAt))
      .sort((a, b) => a - b);

    const faultsInjected = Object.values(faults).reduce((a, b) => a + b, 0);
    return {
      submitted: submissions.length,
      accepted: accepted.size,
      lost: lost + stuck.length,
      duplicateEmails,
      faultsInjected,
      dlq,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p99Ms: percentile(latencies, 99),
      details: {
        httpStatuses: statusCounts,
        finalStates,
        draftStates,
        stuck: stuck.slice(0, 10),
        duplicatesMismatched,
        spamQualified,
        ticketsShared,
        loadMismatch,
        closedHoldingLoad,
        openWithoutLoad,
        sameCauseTwice,
        eventsMismatched,
        rescoreMarksLeft,
        eventLeads: eventLeads.length,
        eventsKept: [...eventsByLead.values()].reduce((a, b) => a + b, 0),
        eventPosts,
        scoreVersions,
        outcomeLeads: outcomeLeads.length,
        outcomePosts,
        outcomeStatuses,
        routedWithoutTicket,
        ticketsTaken,
        rotationGaps,
        failedLeads: failed,
        swept,
        emailsSent: mail.emails.length,
        approvals,
        inboxListed,
        pendingAfterApproval,
        unanswered,
        outages: outageLog,
        brokenConnections: Object.fromEntries(
          (['dynamodb', 'sqs', 'sesv2'] as const).map((n) => [n, stack.faults?.[n].stats().broken ?? 0]),
        ),
        proxiedConnections: Object.fromEntries(
          (['dynamodb', 'sqs', 'sesv2'] as const).map((n) => [n, stack.faults?.[n].stats().connections ?? 0]),
        ),
        faults,
        queues: Object.keys(QUEUES),
      },
    };
  } finally {
    await stack.stop();
    await llm.close();
    await new Promise<void>((resolve) => site.server.close(() => resolve()));
    observerSqs?.destroy();
    db.destroy();
  }
};

/** The invariants that must hold; returns the broken ones (empty = the proof passed). */
export const brokenInvariants = (s: ProofSummary): string[] => {
  const broken: string[] = [];
  if (s.lost > 0) broken.push(`${s.lost} accepted lead(s) lost or stuck in a non-final state`);
  if (s.duplicateEmails > 0) broken.push(`${s.duplicateEmails} address(es) got the same email twice`);
  if (Number(s.details.duplicatesMismatched) > 0) broken.push('a resubmission got a different leadId');
  if (Number(s.details.spamQualified) > 0) broken.push('a spam submission was qualified');
  if (Number(s.details.ticketsShared) > 0) broken.push('two leads were routed with the same rotation ticket');
  if (Number(s.details.loadMismatch) > 0)
    broken.push("a rep's open-lead count differs from the leads assigned to them");
  if (Number(s.details.routedWithoutTicket) > 0) broken.push('a lead took a rep’s capacity without a ticket');
  if (Number(s.details.closedHoldingLoad) > 0)
    broken.push(`${s.details.closedHoldingLoad} closed lead(s) still hold the load they took`);
  if (Number(s.details.openWithoutLoad) > 0)
    broken.push(`${s.details.openWithoutLoad} open lead(s) released their load (released before closing)`);
  if (Number(s.details.sameCauseTwice) > 0)
    broken.push(`${s.details.sameCauseTwice} lead(s) have two score versions with the same cause`);
  if (Number(s.details.eventsMismatched) > 0)
    broken.push(
      `${s.details.eventsMismatched} lead(s) kept a different number of events than distinct ids sent`,
    );
  if (Number(s.details.rescoreMarksLeft) > 0)
    broken.push(
      `${s.details.rescoreMarksLeft} lead(s) still wait for a re-score: a re-score request was lost`,
    );
  if (Number(s.details.rotationGaps) < 0) broken.push('more tickets were used than the rotation handed out');
  if (s.accepted === 0) broken.push('no lead was accepted');
  if (Number(s.details.pendingAfterApproval) > 0)
    broken.push(
      `${s.details.pendingAfterApproval} draft(s) still wait for review: the manager's inbox missed them`,
    );
  if (Number(s.details.unanswered) > 0)
    broken.push(`${s.details.unanswered} submission(s) never got an answer other than a server error`);
  return broken;
};
