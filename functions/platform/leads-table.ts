/**
 * The leads table's adapters, built once per container from validated config: the one place handlers get
 * their store and queues from.
 */
import { z } from 'zod';
import { dynamo, sqs } from './aws-clients';
import { parseConfig, queueVar, tableVar } from './config';
import { DynamoLeadStore } from './lead-store-dynamodb';
import { sqsQueue } from './queue-sqs';

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

const queues = new Map<string, ReturnType<typeof sqsQueue>>();
export const queue = (name: 'qualify' | 'draft' | 'send') => {
  let q = queues.get(name);
  if (!q) {
    const vars = queueVar(name);
    const [envVar] = Object.keys(vars);
    const url = parseConfig(z.object(vars), process.env)[envVar as string] as string;
    q = sqsQueue(sqs, url);
    queues.set(name, q);
  }
  return q;
};
