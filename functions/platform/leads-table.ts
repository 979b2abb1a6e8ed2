/**
 * The leads table's adapters, built once per container from validated config: the one place handlers get
 * their store and table name from (queues: ./lead-queues.ts, so a handler that only reads loads no SQS client).
 */
import * as z from 'zod';
import { dynamo } from './clients/dynamodb';
import { parseConfig, tableVar } from './config';
import { DynamoLeadStore } from './lead-store-dynamodb';

let store: DynamoLeadStore | undefined;
let tableName: string | undefined;

export const leadsTableName = (): string => {
  tableName ??= parseConfig(z.object(tableVar('leads')), process.env).LEADS_TABLE as string;
  return tableName;
};

export const leadStore = (): DynamoLeadStore => {
  store ??= new DynamoLeadStore(dynamo, leadsTableName());
  return store;
};
