import { describe, expect, it } from 'vitest';
import { parseSecretRef, resolveSecretRefs, type SecretSource } from './secrets';

/** An in-memory secret store with the two AWS stores' names. */
const store = (values: { ssm?: Record<string, string>; sm?: Record<string, string> }) => {
  const reads: string[] = [];
  const source: SecretSource = {
    async parameter(name) {
      reads.push(`ssm:${name}`);
      const v = values.ssm?.[name];
      if (v === undefined) throw Object.assign(new Error('not found'), { name: 'ParameterNotFound' });
      return v;
    },
    async secret(id) {
      reads.push(`sm:${id}`);
      const v = values.sm?.[id];
      if (v === undefined) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
      return v;
    },
  };
  return { source: () => source, reads };
};

describe('secret references', () => {
  it('resolves SSM and Secrets Manager references (also one key of a JSON secret) into the variables', async () => {
    // Prepare
    const env: Record<string, string | undefined> = {
      INTAKE_SECRETS_SECRET_REF: 'ssm:/lead-qualifier/intake-secrets',
      OPENAI_API_KEY_SECRET_REF: 'secretsmanager:lead-qualifier/llm#apiKey',
      KVK_API_KEY_SECRET_REF:
        'secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:kvk-AbCdEf',
    };
    const s = store({
      ssm: { '/lead-qualifier/intake-secrets': '{"typeform":"s3cr3t"}' },
      sm: {
        'lead-qualifier/llm': '{"apiKey":"sk-test"}',
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kvk-AbCdEf': 'kvk-key',
      },
    });
    // Act
    const resolved = await resolveSecretRefs(env, s.source);
    // Assess
    expect(resolved.sort()).toEqual(['INTAKE_SECRETS', 'KVK_API_KEY', 'OPENAI_API_KEY']);
    expect(env).toMatchObject({
      INTAKE_SECRETS: '{"typeform":"s3cr3t"}',
      OPENAI_API_KEY: 'sk-test',
      KVK_API_KEY: 'kvk-key',
    });
  });

  it('fetches nothing when the values are set directly (local stack, tests)', async () => {
    // Prepare
    const env = { OPENAI_API_KEY: 'local', OPENAI_API_KEY_SECRET_REF: 'ssm:/x' };
    const s = store({});
    // Act
    const resolved = await resolveSecretRefs(env, s.source);
    // Assess
    expect(resolved).toEqual([]);
    expect(s.reads).toEqual([]);
    expect(env.OPENAI_API_KEY).toBe('local');
  });

  it('fails at cold start naming the variable, never showing a value', async () => {
    // Prepare
    const missing = { INTAKE_SECRETS_SECRET_REF: 'ssm:/nope' };
    const noKey = { OPENAI_API_KEY_SECRET_REF: 'secretsmanager:llm#apiKey' };
    const s = store({ sm: { llm: '{"other":"sk-secret-value"}' } });
    // Act / Assess
    await expect(resolveSecretRefs(missing, s.source)).rejects.toThrow(
      'INTAKE_SECRETS_SECRET_REF: the secret could not be read (ParameterNotFound)',
    );
    await expect(resolveSecretRefs(noKey, s.source)).rejects.toThrow(
      /OPENAI_API_KEY_SECRET_REF: .*no string key "apiKey"/,
    );
    await expect(resolveSecretRefs(noKey, s.source)).rejects.not.toThrow(/sk-secret-value/);
    expect(() => parseSecretRef('X_SECRET_REF', 'vault:/x')).toThrow(/X_SECRET_REF: expected ssm:/);
  });
});
