/** SDK clients pointed at the local emulators (region and dummy credentials shared by the whole local stack). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

export const LOCAL_REGION = 'eu-west-1';
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface EmulatorEndpoints {
  /** http://127.0.0.1:<port> */
  readonly dynamodb: string;
  readonly sqs: string;
  readonly sesv2: string;
}

export const localDynamoDb = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });

export const localSqs = (endpoint: string): SQSClient =>
  new SQSClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
