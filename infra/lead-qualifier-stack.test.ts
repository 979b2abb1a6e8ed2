import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionDef, QUEUES, type QueueDef, TABLES, type TableDef } from './data-plane';
import {
  copyRuntimeFoldersCommands,
  grantSesSend,
  LeadFunction,
  missingEntries,
  REPO_ROOT,
  SES_CONFIGURATION_SET_ENV,
  SES_FROM_ADDRESS_ENV,
} from './lead-function';
import {
  LeadQualifierStack,
  PUBLIC_ROUTE_THROTTLE,
  ROUTE_THROTTLE,
  STAGE_THROTTLE,
} from './lead-qualifier-stack';

/*
 * Bundling is skipped (context aws:cdk:bundling-stacks = []), but NodejsFunction still requires each entry
 * file to exist and to sit under the project root. The handlers are pointed at stub modules under
 * node_modules/.cache so these tests do not depend on functions/*.ts; a separate test checks the real
 * entries exist, and `npm run synth` bundles the real handlers.
 */
const STUB_ROOT = join(REPO_ROOT, 'node_modules', '.cache', 'lead-qualifier-infra-test');
const allFunctionDefs: Record<string, FunctionDef> = FUNCTIONS;
/** The functions the stack deploys: every one but the local stack's own (`localOnly`). */
const functionDefs: Record<string, FunctionDef> = Object.fromEntries(
  Object.entries(allFunctionDefs).filter(([, def]) => !def.localOnly),
);
const tableDefs: Record<string, TableDef> = TABLES;
const queueDefs: Record<string, QueueDef> = QUEUES;

function stubEntry(_name: string, def: FunctionDef): string {
  const path = join(STUB_ROOT, def.entry);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'export const handler = async () => ({ statusCode: 200 });\n');
  return path;
}

function synth(context: Record<string, unknown> = {}) {
  const app = new App({
    context: {
      'aws:cdk:bundling-stacks': [],
      sesFromAddress: 'sales@example.com',
      // Template validation findings (e.g. a description IAM refuses) fail the synth instead of warning.
      '@aws-cdk/core:validateAgainstDefaultRules': true,
      ...context,
    },
  });
  const stack = new LeadQualifierStack(app, 'TestStack', {
    env: { account: '123456789012', region: 'eu-west-1' },
    entryFor: stubEntry,
  });
  return { stack, template: Template.fromStack(stack) };
}

const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation template JSON is untyped; assertions narrow it.
type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

let stack: LeadQualifierStack;
let template: Template;
let resources: Resources;

beforeAll(() => {
  // Prepare
  ({ stack, template } = synth());
  resources = template.toJSON().Resources as Resources;
}, 120_000);

afterAll(() => {
  rmSync(STUB_ROOT, { recursive: true, force: true });
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('data plane equals infra/data-plane.ts', () => {
  it('has exactly the tables of TABLES with their keys, GSIs (with their projections) and TTL attribute', () => {
    // Act: read the tables back from the template in the shape of TableDef
    const fromTemplate = Object.fromEntries(
      Object.entries(tableDefs).map(([name]) => {
        const props =
          resources[logicalId(stack, stack.tables[name as keyof typeof TABLES])]?.Properties ?? {};
        const typeOf = (attr: string) =>
          props.AttributeDefinitions.find((a: { AttributeName: string }) => a.AttributeName === attr)
            ?.AttributeType;
        const keys = (schema: { AttributeName: string; KeyType: string }[]) => {
          const hash = schema.find((k) => k.KeyType === 'HASH');
          const range = schema.find((k) => k.KeyType === 'RANGE');
          return {
            partitionKey: hash && { name: hash.AttributeName, type: typeOf(hash.AttributeName) },
            ...(range ? { sortKey: { name: range.AttributeName, type: typeOf(range.AttributeName) } } : {}),
          };
        };
        return [
          name,
          {
            ...keys(props.KeySchema),
            timeToLiveAttribute: props.TimeToLiveSpecification?.Enabled
              ? props.TimeToLiveSpecification.AttributeName
              : undefined,
            globalSecondaryIndexes: (props.GlobalSecondaryIndexes ?? []).map(
              (g: {
                IndexName: string;
                KeySchema: { AttributeName: string; KeyType: string }[];
                Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
              }) => ({
                indexName: g.IndexName,
                ...keys(g.KeySchema),
                projection: g.Projection.NonKeyAttributes
                  ? { type: g.Projection.ProjectionType, attributes: g.Projection.NonKeyAttributes }
                  : { type: g.Projection.ProjectionType },
              }),
            ),
          },
        ];
      }),
    );
    const expected = Object.fromEntries(
      Object.entries(tableDefs).map(([name, def]) => [
        name,
        {
          partitionKey: def.partitionKey,
          ...(def.sortKey ? { sortKey: def.sortKey } : {}),
          timeToLiveAttribute: def.timeToLiveAttribute,
          globalSecondaryIndexes: def.globalSecondaryIndexes.map((g) => ({
            indexName: g.indexName,
            partitionKey: g.partitionKey,
            ...(g.sortKey ? { sortKey: g.sortKey } : {}),
            projection: g.projection,
          })),
        },
      ]),
    );

    // Assess
    expect(fromTemplate).toEqual(expected);
    expect(ofType('AWS::DynamoDB::Table')).toHaveLength(Object.keys(tableDefs).length);
  });

  it('has exactly the queues of QUEUES, each with its own DLQ, redrive, visibility and retention', () => {
    // Act
    const fromTemplate = Object.fromEntries(
      Object.keys(queueDefs).map((name) => {
        const pair = stack.queues[name as keyof typeof QUEUES];
        const queue = resources[logicalId(stack, pair.queue)]?.Properties ?? {};
        const dlqId = logicalId(stack, pair.dlq);
        const dlq = resources[dlqId]?.Properties ?? {};
        return [
          name,
          {
            visibilityTimeoutSeconds: queue.VisibilityTimeout,
            maxReceiveCount: queue.RedrivePolicy?.maxReceiveCount,
            retentionDays: queue.MessageRetentionPeriod / 86_400,
            dlqRetentionDays: dlq.MessageRetentionPeriod / 86_400,
            dlqTarget: queue.RedrivePolicy?.deadLetterTargetArn,
          },
        ];
      }),
    );
    const expected = Object.fromEntries(
      Object.entries(queueDefs).map(([name, def]) => [
        name,
        {
          visibilityTimeoutSeconds: def.visibilityTimeoutSeconds,
          maxReceiveCount: def.maxReceiveCount,
          retentionDays: def.retentionDays,
          dlqRetentionDays: def.dlqRetentionDays,
          dlqTarget: {
            'Fn::GetAtt': [logicalId(stack, stack.queues[name as keyof typeof QUEUES].dlq), 'Arn'],
          },
        },
      ]),
    );

    // Assess: one main queue and one DLQ per definition, nothing else
    expect(fromTemplate).toEqual(expected);
    expect(ofType('AWS::SQS::Queue')).toHaveLength(2 * Object.keys(queueDefs).length);
  });

  it('every FUNCTIONS entry exists on disk (the real synth bundles them)', () => {
    // Act
    const missing = missingEntries(Object.values(allFunctionDefs));

    // Assess
    expect(missing).toEqual([]);
  });
});

describe('tables', () => {
  it('are on-demand, PITR on, encrypted, retained and deletion-protected', () => {
    // Assess
    for (const [, table] of ofType('AWS::DynamoDB::Table')) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      });
    }
    template.allResources('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('queues', () => {
  it('are all encrypted and deny non-TLS access', () => {
    // Assess
    for (const [, queue] of ofType('AWS::SQS::Queue')) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
    const sslPolicies = ofType('AWS::SQS::QueuePolicy').filter(([, p]) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'),
    );
    const covered = sslPolicies.flatMap(([, p]) => p.Properties.Queues.map((q: { Ref: string }) => q.Ref));
    expect(new Set(covered)).toEqual(new Set(ofType('AWS::SQS::Queue').map(([id]) => id)));
  });

  it('have an alarm on every DLQ that notifies the encrypted alarm topic', () => {
    // Assess
    const topicId = logicalId(stack, stack.alarmTopic);
    for (const pair of Object.values(stack.queues)) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, pair.dlq), 'QueueName'] } },
        ],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: topicId }],
      });
    }
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});

describe('functions', () => {
  const lambdas = () => ofType('AWS::Lambda::Function');

  it('are generated from FUNCTIONS with the project defaults', () => {
    // Assess
    expect(lambdas()).toHaveLength(Object.keys(functionDefs).length);
    for (const [name, def] of Object.entries(functionDefs)) {
      const fn = resources[logicalId(stack, stack.functions[name as keyof typeof FUNCTIONS]!.fn)]?.Properties;
      expect(fn).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        MemorySize: def.memoryMb,
        Timeout: def.timeoutSeconds,
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        Environment: {
          Variables: expect.objectContaining({
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_SERVICE_NAME: 'lead-qualifier',
          }),
        },
      });
    }
  });

  it('get an env var for every table and queue they are granted, and none they are not', () => {
    // Assess
    for (const [name, def] of Object.entries(functionDefs)) {
      const vars = resources[logicalId(stack, stack.functions[name as keyof typeof FUNCTIONS]!.fn)]
        ?.Properties.Environment.Variables as Record<string, unknown>;
      for (const [tableName, table] of Object.entries(tableDefs)) {
        const granted = tableName in def.tables;
        expect(vars[table.envVar], `${def.id} ${table.envVar}`).toEqual(
          granted ? { Ref: logicalId(stack, stack.tables[tableName as keyof typeof TABLES]) } : undefined,
        );
      }
      for (const [queueName, queue] of Object.entries(queueDefs)) {
        const granted = (def.sendsTo as readonly string[]).includes(queueName);
        expect(vars[queue.envVar], `${def.id} ${queue.envVar}`).toEqual(
          granted
            ? { Ref: logicalId(stack, stack.queues[queueName as keyof typeof QUEUES].queue) }
            : undefined,
        );
      }
    }
  });

  it('consume their queues with ReportBatchItemFailures and the defined batch size', () => {
    // Assess
    const consumers = Object.entries(functionDefs).filter(([, def]) => def.consumes);
    const streamConsumers = Object.entries(functionDefs).filter(([, def]) => def.consumesStream);
    expect(ofType('AWS::Lambda::EventSourceMapping')).toHaveLength(consumers.length + streamConsumers.length);
    for (const [name, def] of consumers) {
      const consumes = def.consumes as NonNullable<FunctionDef['consumes']>;
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(stack, stack.functions[name as keyof typeof FUNCTIONS]!.fn) },
        EventSourceArn: { 'Fn::GetAtt': [logicalId(stack, stack.queues[consumes.queue].queue), 'Arn'] },
        BatchSize: consumes.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ...(consumes.maxBatchingWindowSeconds > 0
          ? { MaximumBatchingWindowInSeconds: consumes.maxBatchingWindowSeconds }
          : {}),
      });
    }
  });

  it('consume table streams with the filter, bisect, partial failures, retries and an on-failure DLQ', () => {
    // Assess
    const consumers = Object.entries(functionDefs).filter(([, def]) => def.consumesStream);
    expect(consumers.length).toBeGreaterThan(0);
    for (const [name, def] of consumers) {
      const source = def.consumesStream as NonNullable<FunctionDef['consumesStream']>;
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        StreamSpecification: { StreamViewType: TABLES[source.table].stream },
      });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(stack, stack.functions[name as keyof typeof FUNCTIONS]!.fn) },
        EventSourceArn: { 'Fn::GetAtt': [logicalId(stack, stack.tables[source.table]), 'StreamArn'] },
        BatchSize: source.batchSize,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: source.retryAttempts,
        ParallelizationFactor: source.parallelizationFactor,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(source.filter) }] },
        DestinationConfig: {
          OnFailure: {
            Destination: {
              'Fn::GetAtt': [logicalId(stack, stack.queues[source.onFailure].dlq), 'Arn'],
            },
          },
        },
      });
    }
  });

  it('run scheduled functions from an EventBridge rule', () => {
    // Assess
    const scheduled = Object.entries(functionDefs).filter(([, def]) => def.scheduleMinutes !== undefined);
    for (const [name, def] of scheduled) {
      const minutes = def.scheduleMinutes as number;
      template.hasResourceProperties('AWS::Events::Rule', {
        // CDK states a whole number of days or hours in that unit (1440 minutes → rate(1 day)).
        ScheduleExpression: Schedule.rate(Duration.minutes(minutes)).expressionString,
        Targets: [
          Match.objectLike({
            Arn: {
              'Fn::GetAtt': [logicalId(stack, stack.functions[name as keyof typeof FUNCTIONS]!.fn), 'Arn'],
            },
          }),
        ],
      });
    }
    expect(ofType('AWS::Events::Rule')).toHaveLength(scheduled.length);
  });
});

describe('HTTP API', () => {
  it('has exactly the routes of FUNCTIONS, with the JWT authorizer on every non-public one', () => {
    // Prepare
    const expected = Object.values(functionDefs)
      .flatMap((def) => (def.http ?? []).map((r) => ({ key: `${r.method} ${r.path}`, public: r.public })))
      .sort((a, b) => a.key.localeCompare(b.key));

    // Act
    const routes = ofType('AWS::ApiGatewayV2::Route')
      .map(([, r]) => ({
        key: r.Properties.RouteKey as string,
        public: r.Properties.AuthorizationType === 'NONE' || r.Properties.AuthorizationType === undefined,
        authorizer: r.Properties.AuthorizerId,
        type: r.Properties.AuthorizationType,
      }))
      .sort((a, b) => a.key.localeCompare(b.key));

    // Assess
    expect(routes.map(({ key, public: isPublic }) => ({ key, public: isPublic }))).toEqual(expected);
    const authorizerId = ofType('AWS::ApiGatewayV2::Authorizer')[0]?.[0];
    for (const route of routes.filter((r) => !r.public)) {
      expect(route).toMatchObject({ type: 'JWT', authorizer: { Ref: authorizerId } });
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Audience: [{ Ref: logicalId(stack, stack.userPoolClient) }] },
    });
    template.allResourcesProperties('AWS::ApiGatewayV2::Integration', { PayloadFormatVersion: '2.0' });
  });

  it('throttles the stage, throttles POST /leads tighter, and writes access logs', () => {
    // Assess
    const routeSettings = Object.fromEntries(
      Object.entries(ROUTE_THROTTLE).map(([key, l]) => [
        key,
        { ThrottlingBurstLimit: l.burstLimit, ThrottlingRateLimit: l.rateLimit },
      ]),
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingBurstLimit: STAGE_THROTTLE.burstLimit,
        ThrottlingRateLimit: STAGE_THROTTLE.rateLimit,
      },
      RouteSettings: Match.objectLike(routeSettings),
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('"sourceIp":"\\$context.identity.sourceIp"'),
      },
    });
    expect(PUBLIC_ROUTE_THROTTLE.rateLimit).toBeLessThan(STAGE_THROTTLE.rateLimit);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: Match.objectLike({
        'POST /leads': { ThrottlingRateLimit: PUBLIC_ROUTE_THROTTLE.rateLimit },
      }),
    });
  });

  it('takes CORS origins from context and subscribes the alarm e-mail from context', () => {
    // Act
    const { template: withContext } = synth({
      allowedOrigins: 'https://www.example.com,https://app.example.com',
      alarmEmail: 'ops@example.com',
    });

    // Assess
    withContext.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://www.example.com', 'https://app.example.com'],
      }),
    });
    withContext.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  }, 120_000);
});

describe('attack surface', () => {
  it('does not deploy the local dev sign-in at all (no route, no function)', () => {
    // Act
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey as string);
    const descriptions = ofType('AWS::Lambda::Function').map(([, f]) => String(f.Properties.Description));
    // Assess
    expect(routes).not.toContain('POST /auth/dev-login');
    expect(descriptions.some((d) => d.includes('dev-login'))).toBe(false);
    expect(stack.functions.authDev).toBeUndefined();
  });

  it('limits every public route tighter than the stage, and logs the caller IP in the access log only', () => {
    // Prepare
    const publicRoutes = Object.values(functionDefs).flatMap((def) =>
      (def.http ?? []).filter((r) => r.public).map((r) => `${r.method} ${r.path}`),
    );
    // Act
    const stage = ofType('AWS::ApiGatewayV2::Stage')[0]?.[1].Properties;
    const format = String(stage?.AccessLogSettings?.Format);
    // Assess
    for (const key of publicRoutes) {
      expect(stage?.RouteSettings?.[key]?.ThrottlingRateLimit, key).toBeLessThan(STAGE_THROTTLE.rateLimit);
    }
    expect(JSON.parse(format)).toMatchObject({ sourceIp: '$context.identity.sourceIp' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('answers CORS without allow-credentials and gives the functions the same origins', () => {
    // Act
    const { stack: s, template: t } = synth({ allowedOrigins: 'https://www.example.com' });
    // Assess
    const api = Object.values(t.findResources('AWS::ApiGatewayV2::Api'))[0] as Resources[string];
    expect(api.Properties.CorsConfiguration.AllowCredentials).not.toBe(true);
    const intake = t.toJSON().Resources[logicalId(s, s.functions.intake!.fn)].Properties;
    expect(intake.Environment.Variables.ALLOWED_ORIGINS).toBe('https://www.example.com');
  }, 120_000);
});

describe('settings and secrets from context', () => {
  const withRefs = {
    companySiteUrl: 'https://www.ourco.example',
    redirectOrigins: 'https://www.ourco.example,https://forms.ourco.example',
    intakeSecretsRef: 'ssm:/lead-qualifier/intake-secrets',
    openAiApiKeyRef: 'secretsmanager:lead-qualifier/llm#apiKey',
    kvkApiKeyRef: 'secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:kvk-AbCdEf',
  };

  it('passes settings to the functions that use them and secrets only as references they may read', () => {
    // Act
    const { stack: s, template: t } = synth(withRefs);
    const env = (name: keyof typeof FUNCTIONS) =>
      t.toJSON().Resources[logicalId(s, s.functions[name]!.fn)].Properties.Environment.Variables as Record<
        string,
        unknown
      >;
    // Assess
    expect(env('intake')).toMatchObject({
      REDIRECT_ORIGINS: 'https://www.ourco.example,https://forms.ourco.example',
      INTAKE_SECRETS_SECRET_REF: 'ssm:/lead-qualifier/intake-secrets',
    });
    expect(env('draft')).toMatchObject({
      COMPANY_SITE_URL: 'https://www.ourco.example',
      OPENAI_API_KEY_SECRET_REF: 'secretsmanager:lead-qualifier/llm#apiKey',
    });
    expect(env('review')).toMatchObject({ COMPANY_SITE_URL: 'https://www.ourco.example' });
    expect(env('qualify').KVK_API_KEY_SECRET_REF).toBe(withRefs.kvkApiKeyRef);
    for (const name of Object.keys(s.functions) as (keyof typeof FUNCTIONS)[]) {
      for (const secret of ['INTAKE_SECRETS', 'OPENAI_API_KEY', 'KVK_API_KEY'])
        expect(env(name)[secret]).toBeUndefined();
    }
    expect(env('web').INTAKE_SECRETS_SECRET_REF).toBeUndefined();
    const policies = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('ssm:GetParameter');
    expect(policies).toContain(':parameter/lead-qualifier/intake-secrets');
    expect(policies).toContain('secretsmanager:GetSecretValue');
  }, 120_000);

  it('refuses a secret given as a value instead of a reference, and a non-https callback', () => {
    // Act / Assess
    expect(() => synth({ openAiApiKeyRef: 'sk-live-123' })).toThrow(/openAiApiKeyRef.*never hold the value/);
    expect(() => synth({ authCallbackUrls: 'http://app.example.com/cb' })).toThrow(/must use https/);
  }, 120_000);

  it('stays cdk-nag clean with every setting and secret configured', () => {
    // Prepare
    const { stack: s } = synth({ ...withRefs, authCallbackUrls: 'https://app.ourco.example/callback' });
    // Act
    const report = new AwsSolutionsChecks().validateScope(s);
    // Assess
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources[0]?.constructPath}`)).toEqual(
      [],
    );
  }, 120_000);
});

describe('CRM from context', () => {
  const hubspot = {
    crm: 'hubspot',
    hubspotAccessTokenRef: 'ssm:/lead-qualifier/hubspot-token',
    hubspotWebhookSecretRef: 'secretsmanager:lead-qualifier/hubspot#clientSecret',
    leadPageBaseUrl: 'https://leads.ourco.example/#/leads/',
  };
  const envOf = (s: LeadQualifierStack, t: Template, name: keyof typeof FUNCTIONS) =>
    (t.toJSON().Resources[logicalId(s, s.functions[name]!.fn)].Properties.Environment?.Variables ??
      {}) as Record<string, unknown>;

  it('sets CRM on every function that triggers or runs the sync, credentials only on the CRM functions, as readable references', () => {
    // Act
    const { stack: s, template: t } = synth(hubspot);
    const env = (name: keyof typeof FUNCTIONS) => envOf(s, t, name);

    // Assess
    for (const name of [
      'qualify',
      'draft',
      'send',
      'crmSync',
      'crmWebhook',
      'crmReconcile',
      'crmOutbox',
    ] as const)
      expect(env(name).CRM).toBe('hubspot');
    for (const name of ['crmSync', 'crmWebhook', 'crmReconcile'] as const)
      expect(env(name)).toMatchObject({
        HUBSPOT_ACCESS_TOKEN_SECRET_REF: 'ssm:/lead-qualifier/hubspot-token',
        HUBSPOT_WEBHOOK_SECRET_SECRET_REF: 'secretsmanager:lead-qualifier/hubspot#clientSecret',
      });
    expect(env('crmSync').LEAD_PAGE_BASE_URL).toBe('https://leads.ourco.example/#/leads/');
    for (const name of Object.keys(s.functions) as (keyof typeof FUNCTIONS)[]) {
      expect(env(name).HUBSPOT_ACCESS_TOKEN).toBeUndefined();
      if (!['crmSync', 'crmWebhook', 'crmReconcile'].includes(name))
        expect(env(name).HUBSPOT_ACCESS_TOKEN_SECRET_REF).toBeUndefined();
    }
    const policyOf = (name: keyof typeof FUNCTIONS) =>
      JSON.stringify(
        Object.values(t.findResources('AWS::IAM::Policy')).filter((p) =>
          JSON.stringify((p as Resources[string]).Properties.Roles).includes(
            logicalId(s, s.functions[name]!.role),
          ),
        ),
      );
    expect(policyOf('crmSync')).toContain(':parameter/lead-qualifier/hubspot-token');
    expect(policyOf('crmWebhook')).toContain('secretsmanager:GetSecretValue');
    expect(policyOf('qualify')).not.toContain('hubspot-token');
    expect(policyOf('qualify')).toContain('sqs:SendMessage');
  }, 120_000);

  it('refuses a CRM without its credentials, a credential given as a value, and an unknown CRM, naming the context key', () => {
    // Act / Assess
    expect(() => synth({ crm: 'hubspot', hubspotAccessTokenRef: 'ssm:/t' })).toThrow(
      /context "hubspotWebhookSecretRef" is required when context "crm" is hubspot/,
    );
    expect(() =>
      synth({ crm: 'pipedrive', pipedriveApiTokenRef: 'ssm:/t', pipedriveWebhookPasswordRef: 'ssm:/p' }),
    ).toThrow(/context "pipedriveWebhookUser" is required/);
    expect(() => synth({ ...hubspot, hubspotAccessTokenRef: 'pat-eu1-1234' })).toThrow(
      /context "hubspotAccessTokenRef" must reference a secret/,
    );
    expect(() => synth({ crm: 'salesforce' })).toThrow(/context "crm" must be hubspot, pipedrive or none/);
  }, 120_000);

  it('sets CRM=none without credentials by default, and stays cdk-nag clean with Pipedrive configured', () => {
    // Prepare
    const { stack: s, template: t } = synth({
      crm: 'pipedrive',
      pipedriveApiTokenRef: 'secretsmanager:lead-qualifier/pipedrive#apiToken',
      pipedriveWebhookPasswordRef: 'secretsmanager:lead-qualifier/pipedrive#webhookPassword',
      pipedriveWebhookUser: 'pipedrive-hooks',
    });

    // Act
    const report = new AwsSolutionsChecks().validateScope(s);

    // Assess
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources[0]?.constructPath}`)).toEqual(
      [],
    );
    expect(envOf(s, t, 'crmWebhook')).toMatchObject({
      CRM: 'pipedrive',
      PIPEDRIVE_WEBHOOK_USER: 'pipedrive-hooks',
      PIPEDRIVE_WEBHOOK_PASSWORD_SECRET_REF: 'secretsmanager:lead-qualifier/pipedrive#webhookPassword',
    });
    expect(envOf(stack, template, 'qualify').CRM).toBe('none');
    expect(envOf(stack, template, 'crmSync').HUBSPOT_ACCESS_TOKEN_SECRET_REF).toBeUndefined();
  }, 120_000);
});

describe('Cognito', () => {
  it('attack: a user cannot make themselves another person — identity is the admin-set user name', () => {
    // Act
    const pool = ofType('AWS::Cognito::UserPool')[0]?.[1].Properties;
    const client = ofType('AWS::Cognito::UserPoolClient')[0]?.[1].Properties;
    // Assess: no custom attribute a user could write, and the client may write preferences only
    expect(JSON.stringify(pool?.Schema ?? [])).not.toContain('personId');
    expect(pool?.UsernameAttributes).toBeUndefined();
    expect(pool?.AliasAttributes).toEqual(['email']);
    expect(client?.WriteAttributes?.sort()).toEqual(['locale', 'zoneinfo']);
    expect(JSON.stringify(client)).not.toContain('aws.cognito.signin.user.admin');
  });

  it('has no OAuth flow without configured callbacks, and only the code grant with them', () => {
    // Act
    const none = ofType('AWS::Cognito::UserPoolClient')[0]?.[1].Properties;
    const { template: t } = synth({ authCallbackUrls: 'https://app.ourco.example/callback' });
    const withUrls = (Object.values(t.findResources('AWS::Cognito::UserPoolClient'))[0] as Resources[string])
      .Properties;
    // Assess
    expect(none?.AllowedOAuthFlows).toBeUndefined();
    expect(none?.AllowedOAuthFlowsUserPoolClient).not.toBe(true);
    expect(JSON.stringify(none)).not.toContain('https://example.com');
    expect(withUrls).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: ['https://app.ourco.example/callback'],
    });
    expect(withUrls.AllowedOAuthScopes.sort()).toEqual(['email', 'openid', 'profile']);
  }, 120_000);

  it('gives the pages a hosted-UI sign-in from context: the domain, the code-grant client and its id', () => {
    // Act
    const { stack: s, template: t } = synth({
      authDomainPrefix: 'ourco-sales',
      authCallbackUrls: 'https://sales.ourco.example/',
    });
    const domains = Object.values(t.findResources('AWS::Cognito::UserPoolDomain')) as Resources[string][];
    const webEnv = t.toJSON().Resources[logicalId(s, s.functions.web!.fn)].Properties.Environment
      .Variables as Record<string, unknown>;
    const client = (Object.values(t.findResources('AWS::Cognito::UserPoolClient'))[0] as Resources[string])
      .Properties;
    const noDomain = ofType('AWS::Cognito::UserPoolDomain');
    // Assess
    expect(domains.map((d) => d.Properties.Domain)).toEqual(['ourco-sales']);
    expect(JSON.stringify(webEnv.AUTH_HOSTED_UI_URL)).toMatch(
      /HostedUi.*\.auth\.eu-west-1\.amazoncognito\.com/,
    );
    expect(JSON.stringify(webEnv.AUTH_CLIENT_ID)).toContain('WebClient');
    expect(client).toMatchObject({
      AllowedOAuthFlows: ['code'],
      CallbackURLs: ['https://sales.ourco.example/'],
    });
    expect(noDomain).toEqual([]);
    expect(() => synth({ authDomainPrefix: 'ourco-sales' })).toThrow(/authCallbackUrls/);
    expect(() => synth({ authDomainPrefix: 'AWS_Sales', authCallbackUrls: 'https://x.example/' })).toThrow(
      /lower-case/,
    );
  }, 180_000);

  it('has a staff user pool with MFA required and the sales, manager and ops groups', () => {
    // Assess
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['manager', 'ops', 'sales']);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports zero unacknowledged findings', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(stack);

    // Assess
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources[0]?.constructPath}`)).toEqual(
      [],
    );
    expect(report.success).toBe(true);
  });

  it('still reports a finding that nobody acknowledged (the check is live)', () => {
    // Prepare
    const { stack: other } = synth();
    new Queue(other, 'UnprotectedQueue');

    // Act
    const report = new AwsSolutionsChecks().validateScope(other);

    // Assess
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']),
    );
  }, 120_000);
});

describe('lead-function helpers', () => {
  it('grantSesSend grants ses:SendEmail on the sender identities and sets the SES env vars', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const sesStack = new Stack(app, 'SesStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const def = Object.values(functionDefs)[0] as FunctionDef;
    const fn = new LeadFunction(sesStack, 'Sender', { def, entry: stubEntry('sender', def) });

    // Act
    grantSesSend(fn, { fromAddress: 'leads@example.com', configurationSet: 'lead-qualifier' });

    // Assess
    const t = Template.fromStack(sesStack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [SES_FROM_ADDRESS_ENV]: 'leads@example.com',
          [SES_CONFIGURATION_SET_ENV]: 'lead-qualifier',
        }),
      },
    });
    const statements = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(statements).toContain('ses:SendEmail');
    expect(statements).toContain(':identity/example.com');
    expect(statements).toContain(':identity/leads@example.com');
    expect(statements).toContain(':configuration-set/lead-qualifier');
    expect(() => grantSesSend(fn, { fromAddress: 'not-an-address' })).toThrow(/name@domain/);
  });

  it('the afterBundling commands copy config/, prompts/ and data/ beside the bundle', () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'lq-bundle-'));
    const input = join(root, 'in');
    const output = join(root, 'out');
    for (const [folder, file] of [
      ['config', 'scoring.yaml'],
      ['prompts', 'rationale.v1.md'],
      ['data', 'free-mail.json'],
    ] as const) {
      mkdirSync(join(input, folder, 'nested'), { recursive: true });
      writeFileSync(join(input, folder, 'nested', file), `${folder} content`);
    }
    mkdirSync(output);

    try {
      // Act
      for (const command of copyRuntimeFoldersCommands(input, output))
        execSync(command, { shell: '/bin/sh' });

      // Assess
      expect(readFileSync(join(output, 'config', 'nested', 'scoring.yaml'), 'utf8')).toBe('config content');
      expect(readFileSync(join(output, 'prompts', 'nested', 'rationale.v1.md'), 'utf8')).toBe(
        'prompts content',
      );
      expect(readFileSync(join(output, 'data', 'nested', 'free-mail.json'), 'utf8')).toBe('data content');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
