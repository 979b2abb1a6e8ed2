/**
 * The enrichment tools' cache on the leads table: `CACHE#<key>` items that expire by TTL.
 *
 * The tools of one lead run in parallel and each asks the cache first, in the same turn of the event loop
 * (and so do the other leads of a batch): those lookups are read together with one BatchGetItem (one GetItem
 * when there is only one), instead of a round trip per tool. Entries stored in the same turn are written
 * together the same way (BatchWriteItem; the last value of a key wins).
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EnrichmentCache } from '../agent/enrich';

/** BatchGetItem's limit on keys per call. */
const BATCH_KEYS = 100;
/** BatchWriteItem's limit on items per call. */
const BATCH_WRITES = 25;
/** Rounds for keys DynamoDB leaves unprocessed (throttling): then the rest are misses (or not stored). */
const UNPROCESSED_ROUNDS = 3;

type Item = Record<string, unknown>;

const cacheKey = (key: string) => ({ pk: `CACHE#${key}`, sk: 'CACHE' });

/** Reads the items of `keys` (distinct) in BatchGetItem calls; a key without an item is absent. */
const readMany = async (
  db: DynamoDBDocumentClient,
  table: string,
  keys: readonly string[],
): Promise<Map<string, Item>> => {
  const found = new Map<string, Item>();
  if (keys.length === 1) {
    const key = keys[0]!;
    const out = await db.send(new GetCommand({ TableName: table, Key: cacheKey(key) }));
    if (out.Item) found.set(key, out.Item);
    return found;
  }
  for (let at = 0; at < keys.length; at += BATCH_KEYS) {
    let wanted: Item[] = keys.slice(at, at + BATCH_KEYS).map(cacheKey);
    for (let round = 0; round < UNPROCESSED_ROUNDS && wanted.length > 0; round++) {
      const out = await db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: wanted } } }));
      for (const item of out.Responses?.[table] ?? [])
        found.set(String(item.pk).slice('CACHE#'.length), item);
      wanted = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Item[];
    }
  }
  return found;
};

/** Writes `items` (distinct keys) in BatchWriteItem calls (one PutItem when there is only one). */
const writeMany = async (db: DynamoDBDocumentClient, table: string, items: readonly Item[]) => {
  if (items.length === 1) {
    await db.send(new PutCommand({ TableName: table, Item: items[0] }));
    return;
  }
  for (let at = 0; at < items.length; at += BATCH_WRITES) {
    let requests = items.slice(at, at + BATCH_WRITES).map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; round < UNPROCESSED_ROUNDS && requests.length > 0; round++) {
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  }
};

/** Calls of one turn of the event loop, collected per key and handed to `run` together when it ends. */
const perTurn = <V, R>(run: (calls: Map<string, V>) => Promise<Map<string, R>>) => {
  type Waiter = { resolve(result: R | undefined): void; reject(e: unknown): void };
  type Batch = Map<string, { value: V; waiters: Waiter[] }>;
  let pending: Batch | undefined;
  return (key: string, value: V) =>
    new Promise<R | undefined>((resolve, reject) => {
      if (!pending) {
        const batch: Batch = new Map();
        pending = batch;
        setImmediate(() => {
          pending = undefined;
          run(new Map([...batch].map(([k, v]) => [k, v.value]))).then(
            (results) => {
              for (const [k, v] of batch) for (const w of v.waiters) w.resolve(results.get(k));
            },
            (error: unknown) => {
              for (const v of batch.values()) for (const w of v.waiters) w.reject(error);
            },
          );
        });
      }
      const entry = pending.get(key);
      pending.set(key, { value, waiters: [...(entry?.waiters ?? []), { resolve, reject }] });
    });
};

export const dynamoEnrichmentCache = (
  db: DynamoDBDocumentClient,
  table: string,
  now: () => Date = () => new Date(),
  /** The enrichment cache's retention (config/privacy.yaml): no entry outlives it, whatever the tool asks. */
  maxTtlSeconds = Number.POSITIVE_INFINITY,
): EnrichmentCache => {
  const read = perTurn<null, Item>((calls) => readMany(db, table, [...calls.keys()]));
  const write = perTurn<Item, true>(async (calls) => {
    await writeMany(db, table, [...calls.values()]);
    return new Map([...calls.keys()].map((k) => [k, true as const]));
  });

  return {
    async get(key) {
      const item = await read(key, null);
      // DynamoDB deletes expired items lazily: an item past its TTL is a miss.
      if (!item || Number(item.expiresAt) <= Math.floor(now().getTime() / 1000)) return undefined;
      return item.value;
    },
    async put(key, value, ttlSeconds) {
      await write(key, {
        ...cacheKey(key),
        value,
        expiresAt: Math.floor(now().getTime() / 1000) + Math.min(ttlSeconds, maxTtlSeconds),
      });
    },
  };
};
