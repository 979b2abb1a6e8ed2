/**
 * The DynamoDB document client, created once per container at module scope. One module per AWS client, so
 * a handler loads (and pays cold-init time for) only the SDK clients it imports. The endpoint comes from the
 * SDK's own `AWS_ENDPOINT_URL_*` variables, so the same code talks to AWS or to the local emulators.
 * Connect and request timeouts: ./timeouts.ts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientOptions, DYNAMODB_TIMEOUTS } from './timeouts';

export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions(DYNAMODB_TIMEOUTS)), {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
});
