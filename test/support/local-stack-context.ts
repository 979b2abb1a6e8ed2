/**
 * What test/global-setup.ts provides to integration tests: `inject('localStack')`.
 * The same values are also in `process.env` of every test worker (see `envFor` in local/provision.ts).
 */
import type { EmulatorEndpoints } from '../../local/aws';
import type { ProvisionedDataPlane } from '../../local/provision';

export interface LocalStackContext {
  readonly endpoints: EmulatorEndpoints;
  readonly tables: ProvisionedDataPlane['tables'];
  readonly queueUrls: ProvisionedDataPlane['queueUrls'];
  readonly dlqUrls: ProvisionedDataPlane['dlqUrls'];
  readonly env: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    localStack: LocalStackContext;
  }
}
