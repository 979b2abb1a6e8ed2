/**
 * Moving routing data of the single-item rotation (one `RR#<team>` / `RR` item with the sequence and every rep's
 * `load#<rep>`, updated under an optimistic lock) to the layout of ./round-robin-dynamodb.ts. Used by
 * scripts/migrate-rotation.ts; kept out of the adapter so the qualify function does not carry it.
 */
import {
  type DynamoDBDocumentClient,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Route } from '../agent/qualification';
import { isConditionFailed, legacyRotationKey, loadKey } from './round-robin-dynamodb';

const LEGACY_LOAD_PREFIX = 'load#';

export interface MigrationReport {
  /** Legacy `RR#<team>` / `RR` items moved (their loads copied to load items, then deleted). */
  readonly rotations: number;
  /** Leads marked `loadTaken`, so that closing them releases the load they hold. */
  readonly leadsMarked: number;
}

/**
 * Moves data of the single-item rotation to this layout; idempotent, safe to run again or while leads are
 * being assigned:
 * - each legacy `RR#<team>` / `RR` item: its `load#<rep>` counts are ADDed to the reps' load items and the item
 *   is deleted, in one transaction (a second run finds nothing to move). Its sequence is not carried over:
 *   the new sequences start at ticket 1 (a fresh start for fairness, nothing is owed);
 * - every lead the old rotation gave to a rep (routed in a team, not to the fallback owner, not released) gets
 *   `loadTaken`, so that `releaseLoad` with its leadId releases the load it holds.
 */
export async function migrateLegacyRotation(
  db: DynamoDBDocumentClient,
  table: string,
): Promise<MigrationReport> {
  let rotations = 0;
  let leadsMarked = 0;
  let after: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: table,
        FilterExpression:
          '(begins_with(pk, :rr) AND sk = :legacy) OR (begins_with(pk, :lead) AND attribute_exists(#route.team) AND attribute_not_exists(loadTaken) AND attribute_not_exists(loadReleasedAt))',
        ExpressionAttributeNames: { '#route': 'route' },
        ExpressionAttributeValues: { ':rr': 'RR#', ':legacy': 'RR', ':lead': 'LEAD#' },
        ...(after ? { ExclusiveStartKey: after } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const pk = String(item.pk);
      if (pk.startsWith('RR#')) {
        const team = pk.slice('RR#'.length);
        const loads = Object.entries(item)
          .filter(([k, v]) => k.startsWith(LEGACY_LOAD_PREFIX) && Number(v) > 0)
          .map(([k, v]) => ({ rep: k.slice(LEGACY_LOAD_PREFIX.length), load: Number(v) }));
        // One transaction holds ≤ 100 items: the legacy item plus up to 99 reps.
        if (loads.length > 99)
          throw new Error(`team ${team}: ${loads.length} reps with open leads; migrate it in parts`);
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: table,
                  Key: legacyRotationKey(team),
                  ConditionExpression: 'attribute_exists(pk)',
                },
              },
              ...loads.map(({ rep, load }) => ({
                Update: {
                  TableName: table,
                  Key: loadKey(team, rep),
                  UpdateExpression: 'ADD #load :n SET team = :team, rep = :rep',
                  ExpressionAttributeNames: { '#load': 'load' },
                  ExpressionAttributeValues: { ':n': load, ':team': team, ':rep': rep },
                },
              })),
            ],
          }),
        );
        rotations++;
        continue;
      }
      const route = item.route as Route | undefined;
      if (route?.kind !== 'owner' || !route.team || !route.ownerId) continue;
      // The old rotation took no load for a lead it gave to the fallback owner.
      if (route.reason.includes('→ fallback owner')) continue;
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk, sk: item.sk },
            UpdateExpression: 'SET loadTaken = :taken',
            ConditionExpression: 'attribute_not_exists(loadTaken) AND attribute_not_exists(loadReleasedAt)',
            ExpressionAttributeValues: { ':taken': `${route.team}#${route.ownerId}` },
          }),
        );
        leadsMarked++;
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
    }
    after = page.LastEvaluatedKey;
  } while (after);
  return { rotations, leadsMarked };
}
