/**
 * vitest globalSetup of the `integration` project: starts DynamoDB Local + SQS + SES v2 once per run, in memory
 * on free ports, provisions the data plane of infra/data-plane.ts and hands the endpoints, table names and queue
 * URLs to the tests both through `process.env` (workers inherit it; the AWS SDK reads `AWS_ENDPOINT_URL_*`
 * itself) and through `inject('localStack')`. The emulators are always stopped in teardown; DynamoDB Local is
 * also killed if this process exits or dies (see local/emulators.ts).
 */
import type { TestProject } from 'vitest/node';
import { startEmulators } from '../local/emulators';
import { provisionDataPlane } from '../local/provision';
import type { LocalStackContext } from './support/local-stack-context';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulators = await startEmulators({
    dataDir: null,
    log: (line) => {
      if (process.env.LOCAL_STACK_DEBUG) console.log(line);
    },
  });
  try {
    const provisioned = await provisionDataPlane(emulators.endpoints);
    Object.assign(process.env, provisioned.env);
    const context: LocalStackContext = {
      endpoints: emulators.endpoints,
      tables: provisioned.tables,
      queueUrls: provisioned.queueUrls,
      dlqUrls: provisioned.dlqUrls,
      env: provisioned.env,
    };
    project.provide('localStack', context);
  } catch (error) {
    await emulators.stop();
    throw error;
  }
  return async () => {
    await emulators.stop();
  };
}
