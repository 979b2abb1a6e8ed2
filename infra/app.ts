/**
 * CDK app entry (`cdk.json`: `npx tsx infra/app.ts`). Synth works offline without credentials: the
 * environment comes from CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION when the CLI provides them.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LeadQualifierStack } from './lead-qualifier-stack';

const app = new App();
new LeadQualifierStack(app, 'LeadQualifierStack', {
  description:
    'Serverless AI lead-qualification agent: intake, enrichment, scoring, routing, drafted first emails',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
// cdk-nag v3: a policy-validation plugin; any unacknowledged finding fails synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
