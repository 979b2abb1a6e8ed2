/**
 * The one set of Lambda defaults for every handler, plus grant helpers that set the matching environment
 * variable in the same call, so a function can never hold a permission without knowing the resource name
 * (or know a name without the permission).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { HANDLER_BUNDLE } from './bundle-options';
import {
  type FunctionDef,
  type IndexStep,
  indexStep,
  QUEUES,
  type QueueName,
  TABLES,
  type TableDef,
  type TableName,
} from './data-plane';

/** Repository root: entries in FUNCTIONS and the runtime folders are relative to it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Folders the handlers read at runtime, relative to the bundle (`config/*.yaml`, `prompts/*`, `data/*.json`). */
export const RUNTIME_FOLDERS = ['config', 'prompts', 'data'] as const;

export const SERVICE_NAME = 'lead-qualifier';

/**
 * Node.js 22 on purpose: the handlers are developed and tested on Node 20 and 22. Moving to a
 * newer runtime is a deliberate change, not a default that silently follows aws-cdk-lib upgrades.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;

export { ESM_REQUIRE_BANNER } from './bundle-options';

export interface LeadFunctionProps {
  readonly def: FunctionDef;
  /** Absolute path of the handler module; default `REPO_ROOT/def.entry`. */
  readonly entry?: string;
  readonly reservedConcurrentExecutions?: number;
  readonly logRetention?: RetentionDays;
  readonly environment?: Record<string, string>;
}

/** Shell commands that copy the runtime folders beside the bundle (local esbuild bundling, no Docker). */
export function copyRuntimeFoldersCommands(inputDir: string, outputDir: string): string[] {
  return RUNTIME_FOLDERS.map(
    (folder) =>
      `mkdir -p "${outputDir}/${folder}" && cp -R "${inputDir}/${folder}/." "${outputDir}/${folder}/"`,
  );
}

/**
 * Shell commands that write the compiled form of the bundle's config/*.yaml (functions/agent/yaml-compile.ts)
 * into its config/, once the runtime folders are copied: the compiled form always matches the YAML shipped.
 */
export function compiledYamlCommands(inputDir: string, outputDir: string): string[] {
  return [
    `"${inputDir}/node_modules/.bin/tsx" "${inputDir}/functions/agent/yaml-compile.ts" "${outputDir}/config"`,
  ];
}

/**
 * A NodejsFunction with the project defaults: arm64, Node.js 22, minified ESM with source maps, the AWS SDK
 * clients bundled (tree-shaken with the handler: a cold start then loads one file instead of the runtime's
 * SDK packages, 2–4× faster to initialise in `npm run bench:bundles`, and the SDK version is the one the
 * lockfile pins), X-Ray active, its own log group with retention, and a role without AWS managed policies.
 */
export class LeadFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly def: FunctionDef;

  constructor(scope: Construct, id: string, props: LeadFunctionProps) {
    super(scope, id);
    const { def } = props;
    this.def = def;
    const entry = props.entry ?? join(REPO_ROOT, def.entry);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Own role: only the log group write below plus explicit grants (no AWSLambdaBasicExecutionRole).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${def.id}: ${def.description}`.slice(0, 1000),
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.fn = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      description: def.description.slice(0, 256),
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: def.memoryMb,
      timeout: Duration.seconds(def.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: {
        // The options of ./bundle-options.ts (the bench and the bundle tests build with the same ones).
        format: OutputFormat.ESM,
        mainFields: [...HANDLER_BUNDLE.mainFields],
        banner: HANDLER_BUNDLE.banner,
        minify: HANDLER_BUNDLE.minify,
        keepNames: HANDLER_BUNDLE.keepNames,
        sourceMap: true,
        sourceMapMode: SourceMapMode.EXTERNAL,
        sourcesContent: HANDLER_BUNDLE.sourcesContent,
        target: HANDLER_BUNDLE.target,
        externalModules: [...HANDLER_BUNDLE.externalModules],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => [
            ...copyRuntimeFoldersCommands(inputDir, outputDir),
            ...compiledYamlCommands(inputDir, outputDir),
          ],
        },
      },
    });

    // The role's default policy holds the X-Ray statement that Tracing.ACTIVE adds.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only xray:PutTraceSegments and xray:PutTelemetryRecords use Resource "*" (added by Tracing.ACTIVE): X-Ray does not support resource-level permissions for these actions.',
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned deliberately: the handlers and the local stack are built and tested on Node 20 and 22; a runtime upgrade is a reviewed change.',
    });
  }
}

/** Every entry in FUNCTIONS that is missing on disk (relative paths); empty when all handlers exist. */
export function missingEntries(defs: readonly FunctionDef[]): string[] {
  return defs.map((d) => d.entry).filter((entry) => !existsSync(join(REPO_ROOT, entry)));
}

/**
 * Grants table access and sets `TABLES[name].envVar` to the table name, together, and `indexesEnvVar` to the
 * index each role reads in this deployment (`indexes`, a step of infra/data-plane.ts `indexMigrationSteps`).
 */
export function grantTable(
  target: LeadFunction,
  name: TableName,
  table: ITable,
  mode: 'read' | 'readwrite',
  indexes: IndexStep = indexStep(TABLES[name]),
): void {
  const def: TableDef = TABLES[name];
  if (mode === 'read') table.grantReadData(target.fn);
  else table.grantReadWriteData(target.fn);
  target.fn.addEnvironment(def.envVar, table.tableName);
  if (def.indexesEnvVar) target.fn.addEnvironment(def.indexesEnvVar, JSON.stringify(indexes.names));
  if (indexes.indexes.length > 0) {
    const logicalId = Stack.of(table).resolve(table.tableArn)?.['Fn::GetAtt']?.[0];
    Validations.of(target.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
      reason: `Queries the GSIs of the ${name} table (${indexes.indexes
        .map((i) => i.indexName)
        .join(', ')}); "/index/*" is scoped to that one table's indexes.`,
    });
  }
}

/** Grants SendMessage on the queue and sets `QUEUES[name].envVar` to the queue URL, together. */
export function grantQueueSend(target: LeadFunction, name: QueueName, queue: IQueue): void {
  queue.grantSendMessages(target.fn);
  target.fn.addEnvironment(QUEUES[name].envVar, queue.queueUrl);
}

export interface SesSendOptions {
  /** Verified sender, e.g. `leads@example.com`; the domain identity and the address identity are granted. */
  readonly fromAddress: string;
  /** SES configuration set the sender uses (event publishing, suppression). */
  readonly configurationSet?: string;
}

export const SES_FROM_ADDRESS_ENV = 'SES_FROM_ADDRESS';
export const SES_CONFIGURATION_SET_ENV = 'SES_CONFIGURATION_SET';

/** Grants ses:SendEmail on the sender identities (and configuration set) and sets the SES env vars, together. */
export function grantSesSend(target: LeadFunction, options: SesSendOptions): void {
  const at = options.fromAddress.lastIndexOf('@');
  if (at < 1 || at === options.fromAddress.length - 1) {
    throw new Error(`SES from address must look like name@domain, got "${options.fromAddress}"`);
  }
  const stack = Stack.of(target);
  const identity = (name: string) =>
    stack.formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: name,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  const resources = [identity(options.fromAddress.slice(at + 1)), identity(options.fromAddress)];
  if (options.configurationSet) {
    resources.push(
      stack.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: options.configurationSet,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    );
    target.fn.addEnvironment(SES_CONFIGURATION_SET_ENV, options.configurationSet);
  }
  target.role.addToPolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources }));
  target.fn.addEnvironment(SES_FROM_ADDRESS_ENV, options.fromAddress);
}

/** A secret reference: `ssm:<SecureString parameter>` or `secretsmanager:<name or ARN>[#key]` (never a value). */
export const SECRET_REF_RE = /^(?:ssm:\/?[\w./-]+|secretsmanager:[^#\s]+(?:#[^#\s]+)?)$/;

/**
 * Grants read access to the secret `ref` names and sets `<variable>_SECRET_REF` to it, together; the function
 * resolves it at cold start (functions/platform/secrets.ts). `source` names where the reference came from in
 * the error when it is not a reference.
 */
export function grantSecretRef(target: LeadFunction, variable: string, ref: string, source = variable): void {
  if (!SECRET_REF_RE.test(ref))
    throw new Error(
      `context "${source}" must reference a secret (ssm:<SecureString parameter> or secretsmanager:<name or ARN>[#key]), never hold the value`,
    );
  target.fn.addEnvironment(`${variable}_SECRET_REF`, ref);
  if (ref.startsWith('ssm:')) {
    StringParameter.fromSecureStringParameterAttributes(target, `${variable}Parameter`, {
      parameterName: ref.slice(4),
    }).grantRead(target.fn);
    return;
  }
  const id = ref.slice('secretsmanager:'.length).split('#')[0]!;
  const secret = id.startsWith('arn:')
    ? Secret.fromSecretCompleteArn(target, `${variable}Secret`, id)
    : Secret.fromSecretNameV2(target, `${variable}Secret`, id);
  secret.grantRead(target.fn);
  if (!id.startsWith('arn:')) {
    Validations.of(target.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${id}-??????]`,
      reason: `Secrets Manager appends six random characters to a secret's ARN; "-??????" matches exactly the secret named ${id}. Pass the complete ARN to avoid the wildcard.`,
    });
  }
}
