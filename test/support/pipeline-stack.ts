/**
 * The whole pipeline on an in-process local stack (own emulators, free ports) with every outside party
 * answering locally: company websites (fast, slow, broken), the KvK API stand-in and optionally a
 * chat-completions server. Used by test/qualify-e2e, test/draft-e2e and bench/pipeline.bench.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LeadRecord } from '../../functions/agent/lead-record';
import { KVK_TEST_KEY, startKvkServer } from '../../functions/agent/testing/kvk-server';
import { localDynamoDb, localSqs } from '../../local/aws';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/start';

export const SITE_HTML =
  '<!doctype html><html lang="nl"><head><title>Roostr – roosters voor horeca</title>' +
  '<meta name="description" content="Roostersoftware (SaaS) voor horeca en retail">' +
  '<script src="https://js.hs-scripts.com/1234567.js"></script></head>' +
  '<body><h1>Roostr</h1><a href="/prijzen">Prijzen</a><a href="/vacatures">Werken bij</a></body></html>';

export interface Site {
  readonly origin: string;
  hits: number;
  close(): Promise<void>;
}

/** A company homepage on 127.0.0.1: `delayMs` answers late, `status` 500 makes it broken. */
export const startSite = async (opts: { delayMs?: number; status?: number } = {}): Promise<Site> => {
  const site = { hits: 0 } as { hits: number };
  const server: Server = createServer((_req, res) => {
    site.hits++;
    const answer = () =>
      res.writeHead(opts.status ?? 200, { 'content-type': 'text/html; charset=utf-8' }).end(SITE_HTML);
    if (opts.delayMs) {
      const t = setTimeout(answer, opts.delayMs);
      res.on('close', () => clearTimeout(t));
    } else answer();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(site, {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
};

export interface PipelineStack {
  readonly stack: LocalStack;
  readonly db: DynamoDBDocumentClient;
  readonly sqs: ReturnType<typeof localSqs>;
  readonly site: Site;
  readonly slowSite: Site;
  readonly brokenSite: Site;
  readonly kvk: { origin: string; requests: { url: string }[] };
  /** POST /leads with a JSON body; resolves with the lead id. */
  post(body: Record<string, unknown>): Promise<string>;
  /** GET /leads/{id} as an ops user. */
  getLead(leadId: string): Promise<LeadRecord & Record<string, unknown>>;
  /** The stored item (strongly consistent), straight from DynamoDB. */
  item(pk: string, sk: string): Promise<Record<string, unknown> | undefined>;
  put(item: Record<string, unknown>): Promise<void>;
  waitForLead(
    leadId: string,
    until: (lead: LeadRecord) => boolean,
    timeoutMs?: number,
  ): Promise<LeadRecord & Record<string, unknown>>;
  stop(): Promise<void>;
}

const OPS_CLAIMS = { 'cognito:username': 'ops-lars', 'cognito:groups': 'ops', sub: 'ops-lars' };

export const startPipelineStack = async (
  options: {
    env?: Record<string, string>;
    /**
     * Lambda timeout the local pollers give each consumer (default 6 s). The poller receives with
     * VisibilityTimeout = max(retryVisibilitySeconds, timeout), so this is also how soon a failed record
     * comes back: the shipped 60 s would make a poison lead take minutes to reach its DLQ.
     */
    consumerTimeoutSeconds?: number;
    /** Short polling with this idle back-off instead of long polling (benchmark comparison only). */
    idleBackoffMs?: { min: number; max: number };
    /** Fault proxies in front of the emulators (`stack.faults`), as `npm start -- --faults`. */
    faults?: boolean;
    /** Wraps the stream consumers (e.g. to start an outage while a batch is in the function). */
    wrapStreamConsumers?: LocalStackOptions['wrapStreamConsumers'];
    log?: (line: string) => void;
    /** The JWT authorizer seam (default: every caller is an ops user). */
    authorize?: LocalStackOptions['authorize'];
    /** The verified claims of a request (default: every caller is ops-lars, group ops). */
    claims?: (authorization: string | undefined) => Record<string, string> | null;
  } = {},
): Promise<PipelineStack> => {
  const [site, slowSite, brokenSite, kvk] = await Promise.all([
    startSite(),
    startSite({ delayMs: 8_000 }),
    startSite({ status: 500 }),
    startKvkServer(),
  ]);
  const stack = await startLocalStack({
    dataDir: null,
    port: 0,
    emulatorPorts: { dynamodb: 0, sqs: 0, sesv2: 0 },
    retryVisibilitySeconds: 1,
    ...(options.idleBackoffMs ? { idleBackoffMs: options.idleBackoffMs } : {}),
    ...(options.faults ? { faults: true } : {}),
    ...(options.wrapStreamConsumers ? { wrapStreamConsumers: options.wrapStreamConsumers } : {}),
    schedules: [],
    wrapConsumers: (consumers) =>
      consumers.map((c) => ({ ...c, timeoutSeconds: options.consumerTimeoutSeconds ?? 6 })),
    log: options.log ?? (() => {}),
    authorize:
      options.authorize ??
      (async (event) => {
        if (!options.claims) return { claims: OPS_CLAIMS };
        const claims = options.claims(event.headers.authorization);
        return claims ? { claims } : null;
      }),
    env: {
      STAGE: 'local',
      LOG_LEVEL: 'SILENT',
      ALLOW_PRIVATE_TARGETS: 'true',
      KVK_API_URL: kvk.origin,
      KVK_API_KEY: KVK_TEST_KEY,
      INTAKE_RATE_PER_MINUTE: '100000000',
      // A busy test machine answers slowly; the tools' production timeouts are tested in their unit tests.
      // (the slow site still answers after 8 s: a timeout; the consumer gets 6 s in all).
      ENRICH_TOOL_TIMEOUTS_MS: JSON.stringify({
        registry: 5_000,
        website: 5_000,
        email: 5_000,
        intent: 5_000,
      }),
      INTAKE_CLIENT_RATE_PER_MINUTE: '100000000',
      ...(options.env ?? {}),
    },
  });
  const db = DynamoDBDocumentClient.from(localDynamoDb(stack.endpoints.dynamodb), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const sqs = localSqs(stack.endpoints.sqs);
  const table = stack.env.LEADS_TABLE!;

  const getLead = async (leadId: string) => {
    const res = await fetch(`${stack.url}/leads/${leadId}`, { headers: { authorization: 'Bearer test' } });
    if (res.status !== 200) throw new Error(`GET /leads/${leadId}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as LeadRecord & Record<string, unknown>;
  };
  const waitForLead = async (leadId: string, until: (lead: LeadRecord) => boolean, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: (LeadRecord & Record<string, unknown>) | undefined;
    for (;;) {
      last = await getLead(leadId).catch((e) => {
        if (process.env.PIPELINE_DEBUG) console.error(String(e));
        return last;
      });
      if (last && until(last)) return last;
      if (Date.now() > deadline)
        throw new Error(
          `lead ${leadId} did not reach the expected state in ${timeoutMs} ms (status ${last?.status}, error ${JSON.stringify(
            last?.error,
          )})`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  return {
    stack,
    db,
    sqs,
    site,
    slowSite,
    brokenSite,
    kvk,
    async post(body) {
      let res: Response;
      // A 503 means nothing was stored (the emulator was briefly overloaded): a form retries, so do we.
      for (let attempt = 0; ; attempt++) {
        res = await fetch(`${stack.url}/leads`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'accept-language': 'nl' },
          body: JSON.stringify(body),
        });
        if (res.status !== 503 || attempt >= 4) break;
        await res.arrayBuffer();
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
      const out = (await res.json()) as { leadId?: string };
      if (res.status !== 202 || !out.leadId)
        throw new Error(`POST /leads: HTTP ${res.status} ${JSON.stringify(out)}`);
      return out.leadId;
    },
    getLead,
    async item(pk, sk) {
      const out = await db.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }));
      return out.Item;
    },
    async put(item) {
      await db.send(new PutCommand({ TableName: table, Item: item }));
    },
    waitForLead,
    async stop() {
      await stack.stop();
      db.destroy();
      sqs.destroy();
      await Promise.all([site.close(), slowSite.close(), brokenSite.close(), kvk.close()]);
    },
  };
};

let submission = 0;
/** A webform body (our own JSON shape) of a Dutch SaaS company of 67 people whose site is `website`. */
export const roostrSubmission = (website: string, overrides: Record<string, unknown> = {}) => ({
  email: `planner${++submission}.${Date.now()}@roostr.nl`,
  first_name: 'Eva',
  last_name: 'Jansen',
  company: 'Roostr',
  website,
  employees: '51-200',
  country: 'NL',
  job_title: 'Head of Operations',
  form_type: 'demo_request',
  message: 'We willen een demo: binnen 3 maanden live met 40 vestigingen.',
  timeline: 'binnen 3 maanden',
  budget: 'EUR 30k per jaar',
  marketing_opt_in: 'yes',
  ...overrides,
});
