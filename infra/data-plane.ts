/**
 * The one definition of the data plane and the functions wired to it. The CDK stack (infra/) and the
 * local stack (local/) both read this file, so tables, indexes, TTL attributes, queues, DLQs, redrive
 * settings, routes and event sources cannot drift between AWS and a laptop. Plain data: no CDK import.
 */

export type AttributeType = 'S' | 'N';
export interface KeyDef {
  readonly name: string;
  readonly type: AttributeType;
}
/**
 * What a global secondary index holds besides its own keys and the table's keys (`pk`, `sk`): every attribute
 * (`ALL`), nothing more (`KEYS_ONLY`), or the named top-level attributes (`INCLUDE`). A write to the table
 * writes an index only when the item's index keys or projected attributes change, and it pays for the index
 * item's size, so an index that is read by key only should project nothing else.
 */
export type IndexProjection =
  | { readonly type: 'ALL' }
  | { readonly type: 'KEYS_ONLY' }
  | { readonly type: 'INCLUDE'; readonly attributes: readonly string[] };

export const ALL: IndexProjection = { type: 'ALL' };
export const KEYS_ONLY: IndexProjection = { type: 'KEYS_ONLY' };

export interface IndexDef {
  /** What the code asks for (functions/platform/lead-indexes.ts resolves it to the index of the deployment). */
  readonly role: string;
  readonly indexName: string;
  readonly partitionKey: KeyDef;
  readonly sortKey?: KeyDef;
  readonly projection: IndexProjection;
  /**
   * The index this one took over from: the same keys under another name and projection. A projection cannot
   * change in place, so a deployed table moves from the former index to this one in steps
   * (`indexMigrationSteps`); a new table gets this one directly.
   */
  readonly formerly?: { readonly indexName: string; readonly projection: IndexProjection };
}
export interface TableDef {
  /** CDK construct id. */
  readonly id: string;
  /** Table name on the local stack (CDK lets CloudFormation name it). */
  readonly localName: string;
  /** Environment variable that carries the table name to a function. */
  readonly envVar: string;
  readonly partitionKey: KeyDef;
  readonly sortKey?: KeyDef;
  readonly timeToLiveAttribute?: string;
  readonly globalSecondaryIndexes: readonly IndexDef[];
  /** Environment variable that carries the index name of each role to a function (JSON object). */
  readonly indexesEnvVar?: string;
  /** The table's change stream (DynamoDB Streams) and what each record carries. */
  readonly stream?: 'NEW_IMAGE' | 'KEYS_ONLY';
}

export interface QueueDef {
  readonly id: string;
  readonly localName: string;
  readonly envVar: string;
  /** Must be ≥ 6× the consumer's timeout (AWS guidance for SQS event sources). */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the DLQ. */
  readonly maxReceiveCount: number;
  readonly retentionDays: number;
  readonly dlqRetentionDays: number;
}

export type TableName = keyof typeof TABLES;

export type QueueName = keyof typeof QUEUES;

/**
 * The top-level attributes of a lead item that a row of the leads list shows or filters on
 * (functions/platform/lead-store-workspace.ts `ROW_ATTRIBUTES` and its filters), besides the keys of the list
 * indexes: what the SLA-ordered list index projects.
 */
export const LEAD_LIST_ATTRIBUTES = [
  'leadId',
  'status',
  'receivedAt',
  'provider',
  'lead',
  'score',
  'scoreVersion',
  'override',
  'route',
  'draft',
  'disposition',
  'outcome',
  'alert',
  'listSearch',
  'ownerPk',
  'prioritySk',
] as const;

export const TABLES = {
  /**
   * Single table. Items (pk / sk):
   * - `LEAD#<id>` / `LEAD`: the lead record (status, normalised lead, raw body, enrichment, score, route, …)
   * - `DEDUP#<key>` / `DEDUP`: intake exactly-once guard → leadId (TTL)
   * - `CACHE#<tool>#<domain>` / `CACHE`: enrichment cache (TTL)
   * - `RR#<team>` / `SEQ#<set key>`: round-robin ticket sequence of one availability set of a team
   * - `LOAD#<team>#<rep>` / `LOAD`: a rep's open leads in a team (capacity caps)
   * - `CONFIG#<kind>` / `V#<n>`: versioned ops configuration
   * - `LEAD#<id>` / `LEAD` with only `reservedFor` (TTL): the next dedup bucket's lead id, reserved for a lead
   * - `ACCOUNT#<domain>` / `SIGNAL#<id>`: an account signal of a company (POST /signals; TTL)
   * - `PARKED#<salted address hash>` / `EVENT#<id>`: an event sent before its lead existed (TTL)
   * - `CRM#<leadId>` / `CRM`, `CRMREF#…`, `CRMLOCK#…`, `CRMEVT#…`, `CRMSIG#…`, `CRMCURSOR#…`: the CRM sync
   *   (functions/platform/crm-store-dynamodb.ts)
   */
  leads: {
    id: 'LeadsTable',
    localName: 'lead-qualifier-leads',
    envVar: 'LEADS_TABLE',
    indexesEnvVar: 'LEADS_INDEXES',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    /** The intake's outbox: a new lead's INSERT record hands it to the qualify function (FUNCTIONS.qualify). */
    stream: 'NEW_IMAGE',
    globalSecondaryIndexes: [
      /** A rep's inbox: `OWNER#<id>` ordered by `<slaDueAt>#<leadId>` (most urgent first). */
      {
        role: 'byOwner',
        indexName: 'byOwner',
        partitionKey: { name: 'ownerPk', type: 'S' },
        sortKey: { name: 'ownerSk', type: 'S' },
        projection: ALL,
      },
      /**
       * Sparse: leads with a draft, one partition per draft status (`DRAFT#<status>`), in inbox order
       * (`<tier rank>#<slaDueAt>#<leadId>`, functions/agent/inbox-order.ts) — the manager's inbox, paged.
       */
      {
        role: 'drafts',
        indexName: 'drafts',
        partitionKey: { name: 'draftPk', type: 'S' },
        sortKey: { name: 'draftSk', type: 'S' },
        projection: ALL,
      },
      /**
       * Sparse: leads stored but not yet confirmed on the queue (intake outbox, swept), and erasure jobs still
       * running (`outboxPk = ERASURE`). Keys only: the readers want the item keys, and a lead's updates while it
       * waits no longer rewrite the index.
       */
      {
        role: 'outbox',
        indexName: 'outboxKeys',
        partitionKey: { name: 'outboxPk', type: 'S' },
        sortKey: { name: 'outboxSk', type: 'S' },
        projection: KEYS_ONLY,
        formerly: { indexName: 'outbox', projection: ALL },
      },
      /**
       * The leads list (GET /leads): every lead (`listPk = LEADS`) in priority order
       * (`prioritySk = <tier rank>#<slaDueAt>#<leadId>`, unscored last) …
       */
      {
        role: 'listByPriority',
        indexName: 'listByPriority',
        partitionKey: { name: 'listPk', type: 'S' },
        sortKey: { name: 'prioritySk', type: 'S' },
        projection: ALL,
      },
      /**
       * … and in SLA order (`ownerSk`, which unrouted leads carry too), holding only what a list row shows and
       * filters on (`LEAD_LIST_ATTRIBUTES`), so a page is still one Query while a lead's enrichment, ledger, raw
       * body and notes stay out of the index; the SLA escalation job reads it too, …
       */
      {
        role: 'listBySla',
        indexName: 'listBySlaRows',
        partitionKey: { name: 'listPk', type: 'S' },
        sortKey: { name: 'ownerSk', type: 'S' },
        projection: { type: 'INCLUDE', attributes: LEAD_LIST_ATTRIBUTES },
        formerly: { indexName: 'listBySla', projection: ALL },
      },
      /** … and one owner's leads in priority order (their SLA order is `byOwner`). */
      {
        role: 'ownerByPriority',
        indexName: 'ownerByPriority',
        partitionKey: { name: 'ownerPk', type: 'S' },
        sortKey: { name: 'prioritySk', type: 'S' },
        projection: ALL,
      },
      /**
       * Sparse: every lead of an email address, `EMAIL#<sha256(lower-cased address)>` ordered by
       * `<receivedAt>#<leadId>` — access, erasure and objection find a person without a scan.
       */
      {
        role: 'byEmail',
        indexName: 'byEmailKeys',
        partitionKey: { name: 'emailPk', type: 'S' },
        sortKey: { name: 'emailSk', type: 'S' },
        projection: KEYS_ONLY,
        formerly: { indexName: 'byEmail', projection: ALL },
      },
      /**
       * Sparse: every lead of a company domain, `DOMAIN#<domain>` ordered by `<receivedAt>#<leadId>` — an account
       * signal (POST /signals) reaches each lead of its company without a scan.
       */
      {
        role: 'byDomain',
        indexName: 'byDomainKeys',
        partitionKey: { name: 'domainPk', type: 'S' },
        sortKey: { name: 'domainSk', type: 'S' },
        projection: KEYS_ONLY,
        formerly: { indexName: 'byDomain', projection: ALL },
      },
      /**
       * Sparse: leads by the day their retention ends (`EXPIRY#<yyyy-mm-dd>`, sort key the lead id), so the
       * daily privacy job handles them (CRM, satellites, converted leads kept longer) before TTL deletes them.
       */
      {
        role: 'byExpiry',
        indexName: 'byExpiryKeys',
        partitionKey: { name: 'expiryPk', type: 'S' },
        sortKey: { name: 'expirySk', type: 'S' },
        projection: KEYS_ONLY,
        formerly: { indexName: 'byExpiry', projection: ALL },
      },
    ],
  },
} as const satisfies Record<string, TableDef>;

export const QUEUES = {
  /** intake → qualify (enrich, score, route). */
  qualify: {
    id: 'QualifyQueue',
    localName: 'lead-qualifier-qualify',
    envVar: 'QUALIFY_QUEUE_URL',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 3,
    retentionDays: 14,
    dlqRetentionDays: 14,
  },
  /** qualify → draft (rationale and first-response draft). */
  draft: {
    id: 'DraftQueue',
    localName: 'lead-qualifier-draft',
    envVar: 'DRAFT_QUEUE_URL',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 3,
    retentionDays: 14,
    dlqRetentionDays: 14,
  },
  /** approval / auto handoff → send (SES v2). */
  send: {
    id: 'SendQueue',
    localName: 'lead-qualifier-send',
    envVar: 'SEND_QUEUE_URL',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 14,
    dlqRetentionDays: 14,
  },
  /**
   * CRM sync jobs (`{ leadId, trigger }`): its own queue, so a CRM outage never holds up qualification or
   * drafting. Failed jobs come back as delayed copies with backoff (functions/crm-sync-sqs.ts) until the
   * retry budget is spent; only then do receives count towards the DLQ.
   */
  /**
   * Re-scores (`{ leadId }`), debounced: the first event of a burst marks the lead and queues one delayed message;
   * the re-score reads every event the lead has by then.
   */
  rescore: {
    id: 'RescoreQueue',
    localName: 'lead-qualifier-rescore',
    envVar: 'RESCORE_QUEUE_URL',
    /** ≥ 6 × the rescore function's 30 s timeout (the synth refuses less). */
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 14,
    dlqRetentionDays: 14,
  },
  crm: {
    id: 'CrmQueue',
    localName: 'lead-qualifier-crm',
    envVar: 'CRM_QUEUE_URL',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    retentionDays: 14,
    dlqRetentionDays: 14,
  },
} as const satisfies Record<string, QueueDef>;

/** A Lambda event filter pattern on a DynamoDB stream record: each leaf lists the values that match. */
export interface StreamFilter {
  readonly eventName: readonly ('INSERT' | 'MODIFY' | 'REMOVE')[];
  readonly dynamodb: { readonly NewImage: Readonly<Record<string, { readonly S: readonly string[] }>> };
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface HttpRouteDef {
  readonly method: HttpMethod;
  /** API Gateway route path, e.g. `/leads/{id}`. */
  readonly path: string;
  /** Public routes skip the JWT authorizer (the webform intake, the health check, the inbox page). */
  readonly public: boolean;
}

export interface FunctionDef {
  readonly id: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly http?: readonly HttpRouteDef[];
  /** SQS event source: the queue this function consumes, with batching. */
  readonly consumes?: {
    readonly queue: QueueName;
    readonly batchSize: number;
    readonly maxBatchingWindowSeconds: number;
  };
  /**
   * DynamoDB Streams event source on a table (a Lambda event source mapping): records that match `filter`
   * (a Lambda filter pattern on the stream record) in batches; failed records are retried `retryAttempts`
   * times (the batch bisected), then described on the `onFailure` queue's DLQ.
   */
  readonly consumesStream?: {
    readonly table: TableName;
    readonly batchSize: number;
    readonly maxBatchingWindowSeconds: number;
    readonly retryAttempts: number;
    /** Batches in flight per shard (1–10); records of one item key stay in order. */
    readonly parallelizationFactor: number;
    readonly filter: StreamFilter;
    readonly onFailure: QueueName;
  };
  /** Invoked on a schedule. */
  readonly scheduleMinutes?: number;
  readonly tables: Partial<Record<TableName, 'read' | 'readwrite'>>;
  readonly sendsTo: readonly QueueName[];
  readonly sendsEmail?: boolean;
  /** Served by the local stack only; the CDK stack does not deploy it. */
  readonly localOnly?: boolean;
}

export const FUNCTIONS = {
  intake: {
    id: 'IntakeFunction',
    entry: 'functions/intake-http.ts',
    description: 'POST /leads: accept a webform submission and store it (the table stream hands it on)',
    timeoutSeconds: 10,
    memoryMb: 512,
    http: [{ method: 'POST', path: '/leads', public: true }],
    tables: { leads: 'readwrite' },
    sendsTo: [],
  },
  leadRead: {
    id: 'LeadReadFunction',
    entry: 'functions/lead-read-http.ts',
    description: 'GET /leads/{id}: a lead with its enrichment, scores, ledger, route, rationale and draft',
    timeoutSeconds: 10,
    memoryMb: 256,
    http: [{ method: 'GET', path: '/leads/{id}', public: false }],
    /** Write: the owner opening a lead clears its alert mark. */
    tables: { leads: 'readwrite' },
    sendsTo: [],
  },
  workspace: {
    id: 'WorkspaceFunction',
    entry: 'functions/workspace-http.ts',
    description:
      'Workspace API: the leads list (filters, priority or SLA order), a lead timeline, notes and calls',
    timeoutSeconds: 10,
    memoryMb: 512,
    http: [
      { method: 'GET', path: '/leads', public: false },
      { method: 'GET', path: '/leads/{id}/timeline', public: false },
      { method: 'GET', path: '/team', public: false },
      { method: 'POST', path: '/leads/{id}/notes', public: false },
    ],
    tables: { leads: 'readwrite' },
    sendsTo: [],
  },
  outboxSweeper: {
    id: 'OutboxSweeperFunction',
    entry: 'functions/outbox-sweeper.ts',
    description: 'Safety net: re-queues stored leads that are still not qualified and drafted',
    timeoutSeconds: 60,
    memoryMb: 256,
    scheduleMinutes: 5,
    tables: { leads: 'readwrite' },
    sendsTo: ['qualify'],
  },
  qualify: {
    id: 'QualifyFunction',
    entry: 'functions/qualify-sqs.ts',
    description: 'Enrich, score and route a lead',
    timeoutSeconds: 30,
    memoryMb: 1024,
    /**
     * The sweeper's re-queued leads (and any other producer of qualify messages), and the daily job's
     * `requalify` messages: an old nurtured lead enriched afresh and re-scored.
     */
    consumes: { queue: 'qualify', batchSize: 10, maxBatchingWindowSeconds: 0 },
    /** New leads straight from the table's stream: INSERTs of a lead item in status `received`. */
    consumesStream: {
      table: 'leads',
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      retryAttempts: 3,
      parallelizationFactor: 5,
      filter: {
        eventName: ['INSERT'],
        dynamodb: { NewImage: { sk: { S: ['LEAD'] }, status: { S: ['received'] } } },
      },
      onFailure: 'qualify',
    },
    tables: { leads: 'readwrite' },
    /**
     * `crm`: the CRM sync's trigger once the lead is routed (functions/platform/crm-notifier.ts); `rescore`: events
     * parked for the lead's address were attached; `qualify`: a lead that failed on the stream is retried from its
     * own queue a few seconds later.
     */
    sendsTo: ['draft', 'crm', 'rescore', 'qualify'],
  },
  draft: {
    id: 'DraftFunction',
    entry: 'functions/draft-sqs.ts',
    description: 'Write the rationale and the first-response draft, then apply the handoff point',
    timeoutSeconds: 60,
    memoryMb: 512,
    consumes: { queue: 'draft', batchSize: 5, maxBatchingWindowSeconds: 0 },
    tables: { leads: 'readwrite' },
    /** `crm`: the CRM sync's trigger once the rationale is stored. */
    sendsTo: ['send', 'crm'],
    /** The internal notification of a forwarded non-sales submission (config/dispositions.yaml). */
    sendsEmail: true,
  },
  review: {
    id: 'ReviewFunction',
    entry: 'functions/review-http.ts',
    description:
      'Review API: inbox of drafts, edit/approve/reject, reassign, score override, outcomes and reopen',
    timeoutSeconds: 10,
    memoryMb: 256,
    http: [
      { method: 'GET', path: '/me', public: false },
      { method: 'GET', path: '/drafts', public: false },
      { method: 'PUT', path: '/drafts/{id}', public: false },
      { method: 'POST', path: '/drafts/{id}/approve', public: false },
      { method: 'POST', path: '/drafts/{id}/reject', public: false },
      { method: 'POST', path: '/leads/{id}/reassign', public: false },
      { method: 'POST', path: '/leads/{id}/override', public: false },
      { method: 'POST', path: '/leads/{id}/outcome', public: false },
      { method: 'POST', path: '/leads/{id}/reopen', public: false },
      { method: 'POST', path: '/leads/{id}/assign', public: false },
      { method: 'POST', path: '/leads/{id}/disposition', public: false },
    ],
    tables: { leads: 'readwrite' },
    /**
     * send: approvals; qualify: a nurtured lead raised to hot is routed again; draft: a manager's assignment;
     * crm: the CRM sync's trigger (an outcome recorded, a lead reassigned).
     */
    sendsTo: ['send', 'qualify', 'draft', 'crm'],
  },
  ops: {
    id: 'OpsFunction',
    entry: 'functions/ops-http.ts',
    description:
      'Ops API: versioned handoff points, scoring rules, routing and team (read, publish, roll back)',
    timeoutSeconds: 10,
    memoryMb: 256,
    http: [
      { method: 'GET', path: '/ops/handoff', public: false },
      { method: 'PUT', path: '/ops/handoff', public: false },
      { method: 'POST', path: '/ops/handoff/rollback', public: false },
      { method: 'GET', path: '/ops/config/{kind}', public: false },
      { method: 'PUT', path: '/ops/config/{kind}', public: false },
      { method: 'POST', path: '/ops/config/{kind}/publish', public: false },
      { method: 'POST', path: '/ops/config/{kind}/rollback', public: false },
    ],
    tables: { leads: 'readwrite' },
    sendsTo: [],
  },
  opsBacktest: {
    id: 'OpsBacktestFunction',
    entry: 'functions/ops-backtest-http.ts',
    description: 'Ops API: backtest a scoring-rules draft against the published version on the stored leads',
    timeoutSeconds: 29,
    memoryMb: 1024,
    http: [{ method: 'POST', path: '/ops/rules/backtest', public: false }],
    tables: { leads: 'readwrite' },
    sendsTo: [],
  },
  insights: {
    id: 'InsightsFunction',
    entry: 'functions/insights-http.ts',
    description: 'Insights API: speed to lead, qualification to meeting, funnel, rule effects, drift',
    timeoutSeconds: 29,
    memoryMb: 1024,
    http: [
      { method: 'GET', path: '/insights/data', public: false },
      { method: 'GET', path: '/insights/false-negatives', public: false },
      { method: 'POST', path: '/insights/false-negatives', public: false },
      { method: 'POST', path: '/insights/false-negatives/{id}/answers', public: false },
    ],
    tables: { leads: 'readwrite' },
    sendsTo: [],
  },
  falseNegativeSample: {
    id: 'FalseNegativeSampleFunction',
    entry: 'functions/false-negative-sample.ts',
    description: 'Monthly false-negative review: 20 random leads below the sales threshold for a manager',
    timeoutSeconds: 120,
    memoryMb: 1024,
    scheduleMinutes: 1440,
    tables: { leads: 'readwrite' },
    sendsTo: [],
  },
  authDev: {
    id: 'AuthDevFunction',
    entry: 'functions/auth-dev-http.ts',
    description: 'POST /auth/dev-login: local-stack sign-in as a team.yaml person (never deployed on AWS)',
    timeoutSeconds: 5,
    memoryMb: 256,
    http: [{ method: 'POST', path: '/auth/dev-login', public: true }],
    tables: {},
    sendsTo: [],
    localOnly: true,
  },
  send: {
    id: 'SendFunction',
    entry: 'functions/send-sqs.ts',
    description: 'Send an approved first email through SES v2, exactly once per draft',
    timeoutSeconds: 30,
    memoryMb: 256,
    consumes: { queue: 'send', batchSize: 5, maxBatchingWindowSeconds: 0 },
    tables: { leads: 'readwrite' },
    /** Re-queues a scheduled send (delayed message) until the draft's sendAfter is due; `crm`: the sent mail. */
    sendsTo: ['send', 'crm'],
    sendsEmail: true,
  },
  crmSync: {
    id: 'CrmSyncFunction',
    entry: 'functions/crm-sync-sqs.ts',
    description: 'Sync leads to the CRM (HubSpot or Pipedrive): company, contact, deal, notes, task, email',
    timeoutSeconds: 60,
    memoryMb: 512,
    consumes: { queue: 'crm', batchSize: 10, maxBatchingWindowSeconds: 5 },
    tables: { leads: 'readwrite' },
    /** Re-queues a failed job as a delayed copy (backoff). */
    sendsTo: ['crm'],
  },
  crmWebhook: {
    id: 'CrmWebhookFunction',
    entry: 'functions/crm-webhook-http.ts',
    description: 'CRM webhooks (HubSpot signature v3, Pipedrive basic auth) into outcome and erasure events',
    timeoutSeconds: 10,
    memoryMb: 256,
    http: [
      { method: 'POST', path: '/crm/hubspot/webhook', public: true },
      { method: 'POST', path: '/crm/pipedrive/webhook', public: true },
    ],
    tables: { leads: 'readwrite' },
    sendsTo: [],
  },
  crmReconcile: {
    id: 'CrmReconcileFunction',
    entry: 'functions/crm-reconcile.ts',
    description: 'Pulls CRM changes since the last run (missed webhooks) into outcome events',
    timeoutSeconds: 120,
    memoryMb: 256,
    scheduleMinutes: 15,
    tables: { leads: 'readwrite' },
    sendsTo: [],
  },
  events: {
    id: 'EventsFunction',
    entry: 'functions/events-http.ts',
    description:
      'POST /events and POST /signals: engagement events and account signals (signed per source), kept once per id, debounced re-scores',
    timeoutSeconds: 30,
    memoryMb: 256,
    http: [
      { method: 'POST', path: '/events', public: true },
      { method: 'POST', path: '/signals', public: true },
    ],
    tables: { leads: 'readwrite' },
    sendsTo: ['rescore'],
  },
  rescore: {
    id: 'RescoreFunction',
    entry: 'functions/rescore-sqs.ts',
    description: 'Re-score a lead from its events: a new score version with ledger, delta and cause',
    timeoutSeconds: 30,
    memoryMb: 512,
    consumes: { queue: 'rescore', batchSize: 10, maxBatchingWindowSeconds: 0 },
    tables: { leads: 'readwrite' },
    /** `qualify`: a nurtured lead whose tier rose is routed again; `crm`: the CRM sync's trigger on each new score version. */
    sendsTo: ['qualify', 'crm'],
    /** The owner's alert when a re-score raises an owned lead. */
    sendsEmail: true,
  },
  dailyRescore: {
    id: 'DailyRescoreFunction',
    entry: 'functions/daily-rescore.ts',
    description:
      'Daily: recycle leads lost long ago to nurture, re-score every open lead as of today (decay, inactivity), idempotent per day',
    timeoutSeconds: 900,
    memoryMb: 1024,
    scheduleMinutes: 1440,
    tables: { leads: 'readwrite' },
    /** A nurtured lead the day's score raised is routed again; old nurtured leads are queued for re-qualification. */
    sendsTo: ['qualify'],
    /** The owner's alert when the day's score raises an owned lead. */
    sendsEmail: true,
  },
  slaEscalation: {
    id: 'SlaEscalationFunction',
    entry: 'functions/sla-escalation.ts',
    description:
      'Every 5 minutes: escalate leads whose first-contact SLA passed without contact (manager alert or reassign), once per SLA',
    timeoutSeconds: 120,
    memoryMb: 256,
    scheduleMinutes: 5,
    tables: { leads: 'readwrite' },
    /** `crm`: a reassigned lead moves to its new owner in the CRM too. */
    sendsTo: ['crm'],
    /** The manager's alert. */
    sendsEmail: true,
  },
  crmOutbox: {
    id: 'CrmOutboxFunction',
    entry: 'functions/crm-outbox-sweeper.ts',
    description: 'Queues the CRM sync jobs a pipeline step had to keep while the CRM queue was unavailable',
    timeoutSeconds: 60,
    memoryMb: 256,
    scheduleMinutes: 1,
    tables: { leads: 'readwrite' },
    sendsTo: ['crm'],
  },
  privacy: {
    id: 'PrivacyFunction',
    entry: 'functions/privacy-http.ts',
    description:
      'Privacy rights: the prospect page behind a signed link (objection, one-click unsubscribe, explanation, review request, erasure); access export and erasure for privacy officers',
    timeoutSeconds: 30,
    memoryMb: 512,
    http: [
      { method: 'GET', path: '/privacy', public: true },
      { method: 'GET', path: '/privacy/object', public: true },
      { method: 'POST', path: '/privacy/object', public: true },
      { method: 'GET', path: '/privacy/unsubscribe', public: true },
      { method: 'POST', path: '/privacy/unsubscribe', public: true },
      { method: 'POST', path: '/privacy/review', public: true },
      { method: 'POST', path: '/privacy/erase-me', public: true },
      { method: 'GET', path: '/privacy/export', public: false },
      { method: 'POST', path: '/privacy/erase', public: false },
    ],
    tables: { leads: 'readwrite' },
    sendsTo: [],
  },
  privacyJob: {
    id: 'PrivacyJobFunction',
    entry: 'functions/privacy-job.ts',
    description: 'Daily: finishes interrupted erasures and applies retention to leads whose retention ends',
    timeoutSeconds: 300,
    memoryMb: 256,
    scheduleMinutes: 1440,
    tables: { leads: 'readwrite' },
    sendsTo: [],
  },
  web: {
    id: 'WebFunction',
    entry: 'functions/web-http.ts',
    description: 'The inbox and ops pages',
    timeoutSeconds: 5,
    memoryMb: 256,
    http: [
      { method: 'GET', path: '/', public: true },
      { method: 'GET', path: '/ops', public: true },
      { method: 'GET', path: '/insights', public: true },
    ],
    tables: {},
    sendsTo: [],
  },
} as const satisfies Record<string, FunctionDef>;

export type FunctionName = keyof typeof FUNCTIONS;
export const dlqLocalName = (queue: QueueDef): string => `${queue.localName}-dlq`;

/** One step of a table's index migration: the indexes the table has, and the index each role reads. */
export interface IndexStep {
  readonly indexes: readonly IndexDef[];
  /** role → index name. */
  readonly names: Readonly<Record<string, string>>;
}

/** The former index of `index` (the same keys, its former name and projection), or `index` itself. */
const formerOf = (index: IndexDef): IndexDef =>
  index.formerly
    ? {
        role: index.role,
        indexName: index.formerly.indexName,
        partitionKey: index.partitionKey,
        ...(index.sortKey ? { sortKey: index.sortKey } : {}),
        projection: index.formerly.projection,
      }
    : index;

/**
 * How a deployed table moves from its former indexes to the ones defined now, one index created or deleted
 * per step (CloudFormation changes at most one GSI per table update, and cannot change a projection in place):
 * - step 0: the former indexes (what a stack deployed before the change has);
 * - steps 1…n: each new index created, one per step, in definition order. Its role reads it from that step on:
 *   the functions depend on the table, so CloudFormation updates them only after the table update, which it
 *   finishes only once the new index is ACTIVE (backfilled);
 * - steps n+1…2n: each former index deleted, one per step (nothing reads it any more).
 * The last step is the definition itself. A table without `formerly` indexes has one step.
 */
export const indexMigrationSteps = (def: Pick<TableDef, 'globalSecondaryIndexes'>): IndexStep[] => {
  const moving = def.globalSecondaryIndexes.filter((i) => i.formerly);
  const stepAt = (created: number, deleted: number): IndexStep => {
    const createdRoles = new Set(moving.slice(0, created).map((i) => i.role));
    const deletedRoles = new Set(moving.slice(0, deleted).map((i) => i.role));
    const indexes = def.globalSecondaryIndexes.flatMap((index) => {
      if (!index.formerly) return [index];
      return [
        ...(deletedRoles.has(index.role) ? [] : [formerOf(index)]),
        ...(createdRoles.has(index.role) ? [index] : []),
      ];
    });
    const names = Object.fromEntries(
      def.globalSecondaryIndexes.map((index) => [
        index.role,
        (createdRoles.has(index.role) ? index : formerOf(index)).indexName,
      ]),
    );
    return { indexes, names };
  };
  const steps: IndexStep[] = [stepAt(0, 0)];
  for (let created = 1; created <= moving.length; created++) steps.push(stepAt(created, 0));
  for (let deleted = 1; deleted <= moving.length; deleted++) steps.push(stepAt(moving.length, deleted));
  return steps;
};

/** The indexes of `def` at migration step `step` (`indexMigrationSteps`); absent: the definition itself. */
export const indexStep = (def: Pick<TableDef, 'globalSecondaryIndexes'>, step?: number): IndexStep => {
  const steps = indexMigrationSteps(def);
  if (step === undefined) return steps[steps.length - 1] as IndexStep;
  if (!Number.isInteger(step) || step < 0 || step >= steps.length)
    throw new Error(`index migration step must be an integer from 0 to ${steps.length - 1}, got ${step}`);
  return steps[step] as IndexStep;
};
