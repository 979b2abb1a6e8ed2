/**
 * Secrets never travel as plain environment variables on AWS: the CDK stack sets `<NAME>_SECRET_REF` (a
 * reference to an SSM SecureString parameter or a Secrets Manager secret) and grants the function read
 * access; at cold start, before the configuration is parsed, each reference is resolved and its value put in
 * `<NAME>` for this process only. Locally and in tests the values are set directly and nothing is fetched.
 *
 * Reference forms: `ssm:<parameter name>` (read with decryption) or `secretsmanager:<secret name or ARN>`,
 * optionally followed by `#<key>` to take one key of a JSON secret.
 */

/** The variables that carry secrets; each may be given as `<NAME>_SECRET_REF` instead. */
export const SECRET_VARIABLES = [
  'INTAKE_SECRETS',
  'OPENAI_API_KEY',
  'KVK_API_KEY',
  'HUBSPOT_ACCESS_TOKEN',
  'HUBSPOT_WEBHOOK_SECRET',
  'PIPEDRIVE_API_TOKEN',
  'PIPEDRIVE_WEBHOOK_PASSWORD',
  'EVENT_SECRETS',
  'PRIVACY_SECRET',
] as const;
export type SecretVariable = (typeof SECRET_VARIABLES)[number];

export const SECRET_REF_SUFFIX = '_SECRET_REF';
export const secretRefVariable = (name: SecretVariable): string => `${name}${SECRET_REF_SUFFIX}`;

export type SecretRef =
  | { readonly store: 'ssm'; readonly name: string }
  | { readonly store: 'secretsmanager'; readonly id: string; readonly key?: string };

/** Parses a reference; throws naming the variable when it is malformed. */
export const parseSecretRef = (variable: string, value: string): SecretRef => {
  const m = /^(ssm|secretsmanager):([^#\s]+)(?:#([^#\s]+))?$/.exec(value.trim());
  if (!m) throw new Error(`${variable}: expected ssm:<parameter name> or secretsmanager:<name or ARN>[#key]`);
  if (m[1] === 'ssm') {
    if (m[3]) throw new Error(`${variable}: an SSM parameter reference takes no #key`);
    return { store: 'ssm', name: m[2]! };
  }
  return { store: 'secretsmanager', id: m[2]!, ...(m[3] ? { key: m[3] } : {}) };
};

/** Where secret values come from (the AWS adapter below; tests use an in-memory one). */
export interface SecretSource {
  /** An SSM parameter's value, decrypted. */
  parameter(name: string): Promise<string>;
  /** A Secrets Manager secret's `SecretString`. */
  secret(id: string): Promise<string>;
}

/**
 * Resolves every `<NAME>_SECRET_REF` in `env` into `<NAME>` (a value set directly wins, so local runs need no
 * AWS). Fails with the variable's name, never with the value, when a reference cannot be resolved.
 */
export const resolveSecretRefs = async (
  env: Record<string, string | undefined>,
  source: () => SecretSource,
): Promise<SecretVariable[]> => {
  const pending = SECRET_VARIABLES.filter((name) => !env[name] && env[secretRefVariable(name)]);
  if (pending.length === 0) return [];
  const src = source();
  await Promise.all(
    pending.map(async (name) => {
      const variable = secretRefVariable(name);
      const ref = parseSecretRef(variable, env[variable] as string);
      let value: string;
      try {
        value = ref.store === 'ssm' ? await src.parameter(ref.name) : await src.secret(ref.id);
      } catch (error) {
        throw new Error(`${variable}: the secret could not be read (${(error as Error)?.name ?? 'Error'})`);
      }
      if (ref.store === 'secretsmanager' && ref.key) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(value);
        } catch {
          throw new Error(`${variable}: the secret is not JSON, so it has no key "${ref.key}"`);
        }
        const picked = (parsed as Record<string, unknown>)?.[ref.key];
        if (typeof picked !== 'string')
          throw new Error(`${variable}: the secret has no string key "${ref.key}"`);
        value = picked;
      }
      if (!value) throw new Error(`${variable}: the secret is empty`);
      env[name] = value;
    }),
  );
  return pending;
};

interface SendClient {
  send(command: unknown): Promise<Record<string, unknown>>;
}
type ClientModule = Record<string, new (input: Record<string, unknown>) => unknown>;

/** Loads an AWS SDK client module the Lambda runtime provides (only when a reference is actually resolved). */
const sdk = (name: string): Promise<ClientModule> => import(/* @vite-ignore */ name) as Promise<ClientModule>;

/** Reads references with the AWS SDK clients of the Lambda runtime (SSM GetParameter, Secrets Manager GetSecretValue). */
export const awsSecretSource = (): SecretSource => {
  const timeouts = {
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
  };
  return {
    async parameter(name) {
      const m = await sdk('@aws-sdk/client-ssm');
      const client = new m.SSMClient!(timeouts) as SendClient;
      const out = await client.send(new m.GetParameterCommand!({ Name: name, WithDecryption: true }));
      return String((out.Parameter as { Value?: string } | undefined)?.Value ?? '');
    },
    async secret(id) {
      const m = await sdk('@aws-sdk/client-secrets-manager');
      const client = new m.SecretsManagerClient!(timeouts) as SendClient;
      const out = await client.send(new m.GetSecretValueCommand!({ SecretId: id }));
      return String(out.SecretString ?? '');
    },
  };
};
