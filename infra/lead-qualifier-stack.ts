/**
 * The AWS side of the data plane. Everything here is generated from infra/data-plane.ts (TABLES, QUEUES,
 * FUNCTIONS): add a table, queue, route or consumer there, not here.
 */
import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  FUNCTIONS,
  type FunctionDef,
  type FunctionName,
  type IndexDef,
  type IndexStep,
  indexStep,
  QUEUES,
  type QueueDef,
  type QueueName,
  TABLES,
  type TableDef,
  type TableName,
} from './data-plane';
import {
  grantQueueSend,
  grantSecretRef,
  grantSesSend,
  grantTable,
  LeadFunction,
  REPO_ROOT,
} from './lead-function';

/**
 * Default stage throttling for the whole HTTP API. AWS WAF cannot be attached to an HTTP API (only to REST
 * APIs, CloudFront, ALB, AppSync, …), so there is no per-IP rule at the edge here: the stage and route limits
 * cap the total, the access log records each caller's IP for investigation, and per-IP limits live in the
 * application (docs/security.md says how to put CloudFront + WAF in front when you need them at the edge).
 */
export const STAGE_THROTTLE = { burstLimit: 200, rateLimit: 100 } as const;
/** Every public route (no JWT) gets at least this limit, tighter than the stage default. */
export const PUBLIC_ROUTE_THROTTLE = { burstLimit: 20, rateLimit: 10 } as const;
/** Limits per route key (`METHOD /path`) that differ from the public default; each key must be a route in FUNCTIONS. */
export const ROUTE_THROTTLE: Readonly<Record<string, { burstLimit: number; rateLimit: number }>> = {
  // CRMs deliver webhooks in bursts (HubSpot batches up to 100 events per request, retries included).
  'POST /crm/hubspot/webhook': { burstLimit: 40, rateLimit: 20 },
  'POST /crm/pipedrive/webhook': { burstLimit: 40, rateLimit: 20 },
};

/** Context keys read by the stack (`cdk synth -c key=value` or cdk.json). */
export const CONTEXT = {
  /**
   * Optional: the step of the leads table's index migration to deploy (infra/data-plane.ts
   * `indexMigrationSteps`, README "Deployment"); absent: the indexes as defined (a fresh stack, or the end).
   */
  leadIndexMigrationStep: 'leadIndexMigrationStep',
  /** Optional: e-mail address subscribed to the DLQ alarm topic. */
  alarmEmail: 'alarmEmail',
  /** Comma-separated list (or JSON array) of origins allowed by CORS; default: none. */
  allowedOrigins: 'allowedOrigins',
  /** Required only when a function has `sendsEmail`: the verified SES sender. */
  sesFromAddress: 'sesFromAddress',
  /** Optional SES configuration set for sending functions. */
  sesConfigurationSet: 'sesConfigurationSet',
  /** Our own website (COMPANY_SITE_URL): the one outside link a draft may carry besides the booking link. */
  companySiteUrl: 'companySiteUrl',
  /** Origins a plain HTML form may redirect back to (REDIRECT_ORIGINS), comma-separated or a JSON array. */
  redirectOrigins: 'redirectOrigins',
  /** Optional OpenAI-compatible endpoint and model (OPENAI_BASE_URL, OPENAI_MODEL), and the KvK API URL. */
  openAiBaseUrl: 'openAiBaseUrl',
  openAiModel: 'openAiModel',
  kvkApiUrl: 'kvkApiUrl',
  /**
   * Secrets, as references only (`ssm:<SecureString parameter>` or `secretsmanager:<name or ARN>[#key]`),
   * resolved by the functions at cold start (functions/platform/secrets.ts): webhook signing secrets per
   * source (INTAKE_SECRETS, a JSON object), the LLM key, the KvK key.
   */
  intakeSecretsRef: 'intakeSecretsRef',
  openAiApiKeyRef: 'openAiApiKeyRef',
  kvkApiKeyRef: 'kvkApiKeyRef',
  /**
   * Privacy: the secret that signs the prospect's privacy links and salts suppression hashes (a reference,
   * at least 32 characters), and the public API base URL those links use (e.g. https://api.example.com).
   * Both are required for the send and privacy functions to start.
   */
  privacySecretRef: 'privacySecretRef',
  privacyBaseUrl: 'privacyBaseUrl',
  /** Hosted-UI sign-in: allowed callback and logout URLs (https); without them the client has no OAuth flow. */
  authCallbackUrls: 'authCallbackUrls',
  authLogoutUrls: 'authLogoutUrls',
  /**
   * Hosted-UI domain prefix (`<prefix>.auth.<region>.amazoncognito.com`): with callback URLs, the pages sign in
   * through it (authorization code + PKCE) instead of a pasted token.
   */
  authDomainPrefix: 'authDomainPrefix',
  /** The CRM the leads are synced with: hubspot, pipedrive or none (default). */
  crm: 'crm',
  /** HubSpot private app access token and app client secret (webhook signatures), as references. */
  hubspotAccessTokenRef: 'hubspotAccessTokenRef',
  hubspotWebhookSecretRef: 'hubspotWebhookSecretRef',
  /** Pipedrive API token and the webhooks' basic-auth password, as references; the user name is plain. */
  pipedriveApiTokenRef: 'pipedriveApiTokenRef',
  pipedriveWebhookPasswordRef: 'pipedriveWebhookPasswordRef',
  pipedriveWebhookUser: 'pipedriveWebhookUser',
  /** Optional: API base URLs (a sandbox, an EU proxy), our lead page (the CRM links back), the webhooks' public base URL. */
  hubspotBaseUrl: 'hubspotBaseUrl',
  pipedriveBaseUrl: 'pipedriveBaseUrl',
  leadPageBaseUrl: 'leadPageBaseUrl',
  crmWebhookBaseUrl: 'crmWebhookBaseUrl',
} as const;

/** The functions that talk to the CRM or take its webhooks; they get the selected CRM's credentials. */
export const CRM_FUNCTIONS = [
  'crmSync',
  'crmWebhook',
  'crmReconcile',
] as const satisfies readonly FunctionName[];

/** The credentials of each CRM: variable ← context key of its secret reference. */
export const CRM_SECRETS = {
  hubspot: {
    HUBSPOT_ACCESS_TOKEN: CONTEXT.hubspotAccessTokenRef,
    HUBSPOT_WEBHOOK_SECRET: CONTEXT.hubspotWebhookSecretRef,
  },
  pipedrive: {
    PIPEDRIVE_API_TOKEN: CONTEXT.pipedriveApiTokenRef,
    PIPEDRIVE_WEBHOOK_PASSWORD: CONTEXT.pipedriveWebhookPasswordRef,
  },
} as const;

/** Which functions get which secret, and from which context key. */
export const SECRET_CONSUMERS = {
  INTAKE_SECRETS: { context: CONTEXT.intakeSecretsRef, functions: ['intake'] },
  OPENAI_API_KEY: { context: CONTEXT.openAiApiKeyRef, functions: ['draft'] },
  KVK_API_KEY: { context: CONTEXT.kvkApiKeyRef, functions: ['qualify'] },
  PRIVACY_SECRET: {
    context: CONTEXT.privacySecretRef,
    functions: ['qualify', 'send', 'privacy', 'privacyJob', 'crmWebhook', 'events'],
  },
} as const satisfies Record<string, { context: string; functions: readonly FunctionName[] }>;

/** Which functions get which plain setting (environment variable ← context key). */
export const SETTING_CONSUMERS = {
  COMPANY_SITE_URL: { context: CONTEXT.companySiteUrl, functions: ['draft', 'review'] },
  REDIRECT_ORIGINS: { context: CONTEXT.redirectOrigins, functions: ['intake'] },
  OPENAI_BASE_URL: { context: CONTEXT.openAiBaseUrl, functions: ['draft'] },
  OPENAI_MODEL: { context: CONTEXT.openAiModel, functions: ['draft'] },
  KVK_API_URL: { context: CONTEXT.kvkApiUrl, functions: ['qualify'] },
  HUBSPOT_BASE_URL: { context: CONTEXT.hubspotBaseUrl, functions: CRM_FUNCTIONS },
  PIPEDRIVE_BASE_URL: { context: CONTEXT.pipedriveBaseUrl, functions: CRM_FUNCTIONS },
  LEAD_PAGE_BASE_URL: {
    context: CONTEXT.leadPageBaseUrl,
    functions: ['crmSync', 'rescore', 'dailyRescore', 'slaEscalation'],
  },
  CRM_WEBHOOK_BASE_URL: { context: CONTEXT.crmWebhookBaseUrl, functions: ['crmWebhook'] },
  PRIVACY_BASE_URL: { context: CONTEXT.privacyBaseUrl, functions: ['send', 'privacy'] },
} as const satisfies Record<string, { context: string; functions: readonly FunctionName[] }>;

export interface LeadQualifierStackProps extends StackProps {
  /**
   * Absolute handler path per function; default `REPO_ROOT/def.entry`. Unit tests use it to point at
   * stub modules when bundling is skipped.
   */
  readonly entryFor?: (name: FunctionName, def: FunctionDef) => string;
}

export interface QueuePair {
  readonly queue: Queue;
  readonly dlq: Queue;
  readonly alarm: Alarm;
}

const tableDefs: Record<TableName, TableDef> = TABLES;
const queueDefs: Record<QueueName, QueueDef> = QUEUES;
const functionDefs: Record<FunctionName, FunctionDef> = FUNCTIONS;

const attributeType = (type: 'S' | 'N'): AttributeType =>
  type === 'S' ? AttributeType.STRING : AttributeType.NUMBER;

const projectionOf = (index: IndexDef) => {
  const p = index.projection;
  if (p.type === 'KEYS_ONLY') return { projectionType: ProjectionType.KEYS_ONLY };
  if (p.type === 'INCLUDE')
    return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...p.attributes] };
  return { projectionType: ProjectionType.ALL };
};

/** The migration step of context `leadIndexMigrationStep` (an integer), or undefined when it is not set. */
const migrationStepOf = (value: unknown): number | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  const step = Number(value);
  if (!Number.isInteger(step))
    throw new Error(`context "${CONTEXT.leadIndexMigrationStep}" must be an integer, got "${String(value)}"`);
  return step;
};

function contextList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.map(String);
  const text = String(value).trim();
  if (text.startsWith('[')) return (JSON.parse(text) as unknown[]).map(String);
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A context list of URLs that must all be https (localhost may be http, for a local front end). */
function httpsUrls(key: string, value: unknown): string[] {
  const urls = contextList(value);
  for (const u of urls) {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new Error(`context "${key}": "${u}" is not a URL`);
    }
    const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
    if (url.protocol !== 'https:' && !(local && url.protocol === 'http:'))
      throw new Error(`context "${key}": "${u}" must use https`);
  }
  return urls;
}

/** Route key in API Gateway form, e.g. `POST /leads`. */
export const routeKey = (method: string, path: string): string => `${method} ${path}`;

export class LeadQualifierStack extends Stack {
  readonly tables: Record<TableName, Table>;
  /** The indexes each table has in this synth (a migration step, or the definition), and the role → name map. */
  readonly indexSteps: Record<TableName, IndexStep>;
  readonly queues: Record<QueueName, QueuePair>;
  /** Every function of FUNCTIONS except the `localOnly` ones. */
  readonly functions: Partial<Record<FunctionName, LeadFunction>>;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  /** The Cognito hosted UI, when `authDomainPrefix` is set. */
  readonly hostedUiDomain?: UserPoolDomain;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: LeadQualifierStackProps = {}) {
    super(scope, id, props);

    // ---- Alarms: encrypted topic that CloudWatch can publish to -------------------------------------------
    const alarmKey = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the lead-qualifier alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    alarmKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'lead-qualifier alarms',
      masterKey: alarmKey,
      enforceSSL: true,
    });
    // enforceSSL creates a topic policy, which replaces the default one: let CloudWatch alarms of this
    // account publish explicitly.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*`,
          },
        },
      }),
    );
    const alarmEmail = this.node.tryGetContext(CONTEXT.alarmEmail) as string | undefined;
    if (alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(alarmEmail));
    const alarmAction = new SnsAction(this.alarmTopic);

    // ---- Tables --------------------------------------------------------------------------------------------
    const tables = {} as Record<TableName, Table>;
    const indexSteps = {} as Record<TableName, IndexStep>;
    const migrationStep = migrationStepOf(this.node.tryGetContext(CONTEXT.leadIndexMigrationStep));
    for (const [name, def] of Object.entries(tableDefs) as [TableName, TableDef][]) {
      const step = indexStep(def, name === 'leads' ? migrationStep : undefined);
      indexSteps[name] = step;
      const table = new Table(this, def.id, {
        partitionKey: { name: def.partitionKey.name, type: attributeType(def.partitionKey.type) },
        sortKey: def.sortKey ? { name: def.sortKey.name, type: attributeType(def.sortKey.type) } : undefined,
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.AWS_MANAGED,
        timeToLiveAttribute: def.timeToLiveAttribute,
        ...(def.stream
          ? { stream: def.stream === 'NEW_IMAGE' ? StreamViewType.NEW_IMAGE : StreamViewType.KEYS_ONLY }
          : {}),
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      for (const index of step.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.indexName,
          partitionKey: { name: index.partitionKey.name, type: attributeType(index.partitionKey.type) },
          sortKey: index.sortKey
            ? { name: index.sortKey.name, type: attributeType(index.sortKey.type) }
            : undefined,
          ...projectionOf(index),
        });
      }
      tables[name] = table;
      new CfnOutput(this, `${def.id}Name`, { value: table.tableName, description: `${name} table name` });
    }
    this.tables = tables;
    this.indexSteps = indexSteps;

    // ---- Queues, DLQs and DLQ alarms ---------------------------------------------------------------------------
    const queues = {} as Record<QueueName, QueuePair>;
    for (const [name, def] of Object.entries(queueDefs) as [QueueName, QueueDef][]) {
      const dlq = new Queue(this, `${def.id}Dlq`, {
        retentionPeriod: Duration.days(def.dlqRetentionDays),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      const queue = new Queue(this, def.id, {
        visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(def.retentionDays),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: dlq, maxReceiveCount: def.maxReceiveCount },
      });
      const alarm = new Alarm(this, `${def.id}DlqAlarm`, {
        alarmDescription: `Messages in the ${name} DLQ: a lead failed ${def.maxReceiveCount} times. Inspect and redrive.`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(alarmAction);
      queues[name] = { queue, dlq, alarm };
      new CfnOutput(this, `${def.id}Url`, { value: queue.queueUrl, description: `${name} queue URL` });
    }
    this.queues = queues;

    // ---- Cognito (staff sign-in for the non-public routes) ------------------------------------------------------
    this.userPool = new UserPool(this, 'StaffUserPool', {
      selfSignUpEnabled: false,
      // The user name is the team.yaml person id (rep-anna, mgr-sofie, …), set by an administrator when creating
      // the user and unchangeable afterwards: the API maps `cognito:username` to the person. Users sign in with
      // it or with their email address.
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const group of ['sales', 'manager', 'ops'] as const) {
      this.userPool.addGroup(`Group-${group}`, {
        groupName: group,
        description: `lead-qualifier ${group} users`,
      });
    }
    const callbackUrls = httpsUrls(
      CONTEXT.authCallbackUrls,
      this.node.tryGetContext(CONTEXT.authCallbackUrls),
    );
    const logoutUrls = httpsUrls(CONTEXT.authLogoutUrls, this.node.tryGetContext(CONTEXT.authLogoutUrls));
    this.userPoolClient = this.userPool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // What a signed-in user may change about themselves: preferences only. Identity (user name, groups) and
      // contact data are the administrator's; no attribute the API trusts is writable by its owner.
      readAttributes: new ClientAttributes().withStandardAttributes({
        email: true,
        emailVerified: true,
        fullname: true,
        locale: true,
        timezone: true,
      }),
      writeAttributes: new ClientAttributes().withStandardAttributes({ locale: true, timezone: true }),
      // Hosted-UI sign-in only with configured callback URLs: the authorization-code grant (a public client:
      // the browser uses PKCE), openid/email/profile scopes — no implicit grant, no placeholder callback, no
      // aws.cognito.signin.user.admin scope.
      ...(callbackUrls.length > 0
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
              scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
              callbackUrls,
              logoutUrls: logoutUrls.length > 0 ? logoutUrls : callbackUrls,
            },
            supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
          }
        : { disableOAuth: true }),
    });
    // The hosted UI's domain: the pages' sign-in (functions/web/client/lib.ts) when callback URLs are set too.
    const domainPrefix = this.node.tryGetContext(CONTEXT.authDomainPrefix) as string | undefined;
    if (domainPrefix !== undefined && domainPrefix !== '') {
      if (
        !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(domainPrefix) ||
        /aws|amazon|cognito/.test(domainPrefix)
      )
        throw new Error(
          `context "${CONTEXT.authDomainPrefix}" must be lower-case letters, digits and hyphens, without aws, amazon or cognito`,
        );
      if (callbackUrls.length === 0)
        throw new Error(
          `context "${CONTEXT.authDomainPrefix}" needs "${CONTEXT.authCallbackUrls}" (the page URL, https)`,
        );
      this.hostedUiDomain = this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix } });
      new CfnOutput(this, 'HostedUiUrl', { value: this.hostedUiDomain.baseUrl() });
    }
    const authorizer = new HttpUserPoolAuthorizer('StaffAuthorizer', this.userPool, {
      userPoolClients: [this.userPoolClient],
    });

    // ---- HTTP API ----------------------------------------------------------------------------------------------------
    const allowedOrigins = contextList(this.node.tryGetContext(CONTEXT.allowedOrigins));
    const httpMethods = new Set(
      Object.values(functionDefs).flatMap((def) => (def.http ?? []).map((route) => route.method)),
    );
    this.api = new HttpApi(this, 'HttpApi', {
      description: 'lead-qualifier: webform intake and the staff API',
      createDefaultStage: false,
      corsPreflight:
        allowedOrigins.length > 0
          ? {
              allowOrigins: allowedOrigins,
              allowMethods: [...httpMethods].map((m) => CorsHttpMethod[m]),
              allowHeaders: ['content-type', 'authorization', 'idempotency-key'],
              maxAge: Duration.hours(1),
            }
          : undefined,
    });
    // The caller's IP is in the access log (to investigate abuse: there is no WAF on an HTTP API), and only
    // there: application logs carry ids and counts. An IP address is personal data, so it is kept one month.
    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const accessLogFormat = AccessLogFormat.custom(
      JSON.stringify({
        requestId: '$context.requestId',
        sourceIp: '$context.identity.sourceIp',
        requestTime: '$context.requestTimeEpoch',
        routeKey: '$context.routeKey',
        status: '$context.status',
        responseLength: '$context.responseLength',
        responseLatency: '$context.responseLatency',
        integrationLatency: '$context.integrationLatency',
        integrationError: '$context.integrationErrorMessage',
        authorizerError: '$context.authorizer.error',
      }),
    );
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: STAGE_THROTTLE,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: accessLogFormat },
    });

    // ---- Functions ---------------------------------------------------------------------------------------------------
    const functions: Partial<Record<FunctionName, LeadFunction>> = {};
    const declaredRouteKeys = new Set<string>();
    const publicRouteKeys = new Set<string>();
    for (const [name, def] of Object.entries(functionDefs) as [FunctionName, FunctionDef][]) {
      // The local stack's dev sign-in (and anything else local-only) does not exist on AWS at all.
      if (def.localOnly) continue;
      const leadFunction = new LeadFunction(this, def.id, {
        def,
        entry: props.entryFor ? props.entryFor(name, def) : join(REPO_ROOT, def.entry),
      });
      functions[name] = leadFunction;

      for (const [tableName, mode] of Object.entries(def.tables) as [TableName, 'read' | 'readwrite'][]) {
        grantTable(leadFunction, tableName, tables[tableName], mode, indexSteps[tableName]);
      }
      for (const queueName of def.sendsTo) grantQueueSend(leadFunction, queueName, queues[queueName].queue);
      if (def.sendsEmail) {
        const fromAddress = this.node.tryGetContext(CONTEXT.sesFromAddress) as string | undefined;
        if (!fromAddress) {
          throw new Error(
            `${def.id} sends e-mail: set context "${CONTEXT.sesFromAddress}" (cdk.json or -c ${CONTEXT.sesFromAddress}=leads@your-domain)`,
          );
        }
        grantSesSend(leadFunction, {
          fromAddress,
          configurationSet: this.node.tryGetContext(CONTEXT.sesConfigurationSet) as string | undefined,
        });
      }

      if (def.consumes) {
        const queueDef = queueDefs[def.consumes.queue];
        if (queueDef.visibilityTimeoutSeconds < 6 * def.timeoutSeconds) {
          throw new Error(
            `${queueDef.id} visibility timeout ${queueDef.visibilityTimeoutSeconds}s must be >= 6 x ${def.id} timeout (${def.timeoutSeconds}s)`,
          );
        }
        leadFunction.fn.addEventSource(
          new SqsEventSource(queues[def.consumes.queue].queue, {
            batchSize: def.consumes.batchSize,
            maxBatchingWindow:
              def.consumes.maxBatchingWindowSeconds > 0
                ? Duration.seconds(def.consumes.maxBatchingWindowSeconds)
                : undefined,
            reportBatchItemFailures: true,
          }),
        );
      }

      if (def.consumesStream) {
        const source = def.consumesStream;
        leadFunction.fn.addEventSource(
          new DynamoEventSource(tables[source.table], {
            startingPosition: StartingPosition.TRIM_HORIZON,
            batchSize: source.batchSize,
            maxBatchingWindow:
              source.maxBatchingWindowSeconds > 0
                ? Duration.seconds(source.maxBatchingWindowSeconds)
                : undefined,
            retryAttempts: source.retryAttempts,
            parallelizationFactor: source.parallelizationFactor,
            bisectBatchOnError: true,
            reportBatchItemFailures: true,
            filters: [FilterCriteria.filter(source.filter as unknown as Record<string, unknown>)],
            // What could not be processed is described on the DLQ (the lead itself stays in the outbox index,
            // where the sweeper finds it).
            onFailure: new SqsDlq(queues[source.onFailure].dlq),
          }),
        );
      }

      if (def.scheduleMinutes !== undefined) {
        new Rule(this, `${def.id}Schedule`, {
          description: `Runs ${def.id} every ${def.scheduleMinutes} minute(s)`,
          schedule: Schedule.rate(Duration.minutes(def.scheduleMinutes)),
          targets: [new LambdaFunction(leadFunction.fn, { retryAttempts: 0 })],
        });
      }

      if (def.http && def.http.length > 0) {
        const integration = new HttpLambdaIntegration(`${def.id}Integration`, leadFunction.fn);
        for (const route of def.http) {
          const key = routeKey(route.method, route.path);
          declaredRouteKeys.add(key);
          if (route.public) publicRouteKeys.add(key);
          const [httpRoute] = this.api.addRoutes({
            path: route.path,
            methods: [HttpMethod[route.method]],
            integration,
            authorizer: route.public ? undefined : authorizer,
          });
          if (!httpRoute) throw new Error(`No route created for ${key}`);
          if (route.public) {
            Validations.of(httpRoute).acknowledge({
              id: 'AwsSolutions-APIG4',
              reason: `${key} is public by design in FUNCTIONS (webform intake, CRM webhooks with their own signatures, the pages); it is protected by stage and route throttling and input validation in the handler instead of a JWT.`,
            });
          }
          // Route-level throttling settings need the route to exist first.
          this.stage.node.addDependency(httpRoute);
        }
      }
    }
    this.functions = functions;
    this.configureFunctions(functions, allowedOrigins);
    // The pages' hosted-UI sign-in: where to send the browser, and which client it signs in to.
    if (this.hostedUiDomain) {
      functions.web?.fn.addEnvironment('AUTH_HOSTED_UI_URL', this.hostedUiDomain.baseUrl());
      functions.web?.fn.addEnvironment('AUTH_CLIENT_ID', this.userPoolClient.userPoolClientId);
    }

    // Route-level throttling (tighter than the stage default).
    for (const key of Object.keys(ROUTE_THROTTLE)) {
      if (!declaredRouteKeys.has(key))
        throw new Error(`ROUTE_THROTTLE has ${key}, which is not a route in FUNCTIONS`);
    }
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    const limits = {
      ...Object.fromEntries([...publicRouteKeys].map((key) => [key, PUBLIC_ROUTE_THROTTLE])),
      ...ROUTE_THROTTLE,
    };
    cfnStage.routeSettings = Object.fromEntries(
      Object.entries(limits).map(([key, limit]) => [
        key,
        { ThrottlingBurstLimit: limit.burstLimit, ThrottlingRateLimit: limit.rateLimit },
      ]),
    );

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'HTTP API base URL' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }

  /** Plain settings and secret references from context, each only on the functions that use it. */
  private configureFunctions(
    functions: Partial<Record<FunctionName, LeadFunction>>,
    allowedOrigins: string[],
  ) {
    if (allowedOrigins.length > 0) {
      for (const [name, fn] of Object.entries(functions) as [FunctionName, LeadFunction][])
        if (functionDefs[name].http?.length)
          fn.fn.addEnvironment('ALLOWED_ORIGINS', allowedOrigins.join(','));
    }
    for (const [variable, { context, functions: names }] of Object.entries(SETTING_CONSUMERS)) {
      const raw = this.node.tryGetContext(context) as unknown;
      if (raw === undefined || raw === null || raw === '') continue;
      const value = variable === 'REDIRECT_ORIGINS' ? contextList(raw).join(',') : String(raw);
      for (const name of names) functions[name]?.fn.addEnvironment(variable, value);
    }
    for (const [variable, { context, functions: names }] of Object.entries(SECRET_CONSUMERS)) {
      const raw = this.node.tryGetContext(context) as unknown;
      if (raw === undefined || raw === null || raw === '') continue;
      const ref = String(raw).trim();
      for (const name of names) {
        const fn = functions[name];
        if (fn) grantSecretRef(fn, variable, ref, context);
      }
    }
    this.configureCrm(functions);
  }

  /**
   * The CRM of this deployment (context `crm`): `CRM` on every function that triggers or runs the sync, and
   * the selected CRM's credentials — references only, each granted together with its variable — on the CRM
   * functions. A CRM without its credentials fails the synth, naming the context key.
   */
  private configureCrm(functions: Partial<Record<FunctionName, LeadFunction>>) {
    const raw = this.node.tryGetContext(CONTEXT.crm) as unknown;
    const crm = raw === undefined || raw === null || raw === '' ? 'none' : String(raw).trim();
    if (crm !== 'hubspot' && crm !== 'pipedrive' && crm !== 'none')
      throw new Error(`context "${CONTEXT.crm}" must be hubspot, pipedrive or none, got "${crm}"`);
    for (const [name, fn] of Object.entries(functions) as [FunctionName, LeadFunction][]) {
      const def = functionDefs[name];
      if ((CRM_FUNCTIONS as readonly string[]).includes(name) || def.sendsTo.includes('crm'))
        fn.fn.addEnvironment('CRM', crm);
    }
    if (crm === 'none') return;
    const required = (key: string): string => {
      const value = this.node.tryGetContext(key) as unknown;
      if (value === undefined || value === null || String(value).trim() === '')
        throw new Error(`context "${key}" is required when context "${CONTEXT.crm}" is ${crm}`);
      return String(value).trim();
    };
    for (const [variable, context] of Object.entries(CRM_SECRETS[crm])) {
      const ref = required(context);
      for (const name of CRM_FUNCTIONS) {
        const fn = functions[name];
        if (fn) grantSecretRef(fn, variable, ref, context);
      }
    }
    if (crm === 'pipedrive') {
      const user = required(CONTEXT.pipedriveWebhookUser);
      for (const name of CRM_FUNCTIONS) functions[name]?.fn.addEnvironment('PIPEDRIVE_WEBHOOK_USER', user);
    }
  }
}
