/**
 * The versioned ops configuration (scoring rules, routing, team) as handlers use it: the shipped YAML texts
 * (config/*.yaml or RULES_FILE / ROUTING_FILE / TEAM_FILE) seed version 1, the versions live on the leads
 * table (./config-store-dynamodb.ts), and the pipeline reads the published version through a short cache.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type ConfigKind,
  ConfigVersions,
  cachedPublishedConfig,
  type PublishedConfig,
} from '../agent/ops-config/versions';
import { DynamoConfigStore } from './config-store-dynamodb';
import { type ShippedPaths, shippedFile } from './shipped-files';

/** The shipped YAML text of each kind, for these paths (read once). */
export const shippedConfigTexts = (paths?: () => ShippedPaths): Record<ConfigKind, () => string> => ({
  rules: shippedFile('config/scoring-rules.yaml', 'RULES_FILE', (text) => text, paths),
  routing: shippedFile('config/routing.yaml', 'ROUTING_FILE', (text) => text, paths),
  team: shippedFile('config/team.yaml', 'TEAM_FILE', (text) => text, paths),
});

export const configVersions = (db: DynamoDBDocumentClient, table: string, paths?: () => ShippedPaths) =>
  new ConfigVersions({
    store: new DynamoConfigStore(db, table),
    shipped: shippedConfigTexts(paths),
    now: () => new Date(),
  });

/** The published rules and routing, re-read at most every `cacheSeconds`. */
export const publishedConfig = (
  db: DynamoDBDocumentClient,
  table: string,
  cacheSeconds: number,
): PublishedConfig => cachedPublishedConfig(configVersions(db, table), cacheSeconds * 1000);
