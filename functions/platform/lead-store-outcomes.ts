/**
 * Outcomes and reopening on the leads table. Each is ONE write: the lead's update (its state from the lifecycle,
 * conditional on the state the use case read, with the audit entry) and, when the move releases or takes the
 * rep's open load, the load item of the capacity the lead's assignment took (`loadTaken`, set by
 * ./round-robin-dynamodb.ts) in the same transaction. `loadReleasedAt` on the lead says the load is released:
 * the release requires it absent and sets it, the take requires it present and removes it, so a load is
 * released exactly once per closing, whatever is retried or raced.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, OutcomeRecord } from '../agent/lead-record';
import type { LeadMove } from '../agent/ports';
import type { Route } from '../agent/qualification';
import {
  isConditionFailure,
  type LeadTable,
  LeadUpdate,
  leadKey,
  loadKeyOfTaken,
  OUTBOX,
  outboxSk,
  ownerIndexKeys,
} from './lead-item';

/** Sends of one transaction that keeps conflicting with another on the same items. */
const CONFLICT_ATTEMPTS = 10;

interface LoadState {
  readonly loadTaken?: string;
  readonly loadReleasedAt?: string;
}

const readLoadState = async (t: LeadTable, leadId: string): Promise<LoadState | undefined> => {
  const out = await t.db.send(
    new GetCommand({
      TableName: t.table,
      Key: leadKey(leadId),
      ConsistentRead: true,
      ProjectionExpression: 'pk, loadTaken, loadReleasedAt',
    }),
  );
  return out.Item as LoadState | undefined;
};

const cancellationCodes = (err: unknown): Array<string | undefined> | null => {
  const e = err as { name?: string; CancellationReasons?: { Code?: string }[] };
  return e?.name === 'TransactionCanceledException' ? (e.CancellationReasons ?? []).map((r) => r.Code) : null;
};

/** The lead's update and the load item's change in one transaction; false when the lead's condition failed. */
const transactWithLoad = async (t: LeadTable, lead: LeadUpdate, taken: string, delta: 1 | -1) => {
  const input = lead.input(t.table);
  const transaction = new TransactWriteCommand({
    TransactItems: [
      {
        Update: {
          TableName: input.TableName,
          Key: input.Key,
          UpdateExpression: input.UpdateExpression,
          ConditionExpression: input.ConditionExpression,
          ExpressionAttributeNames: input.ExpressionAttributeNames,
          ExpressionAttributeValues: input.ExpressionAttributeValues,
        },
      },
      {
        Update: {
          TableName: t.table,
          Key: loadKeyOfTaken(taken),
          UpdateExpression: 'ADD #load :delta',
          ExpressionAttributeNames: { '#load': 'load' },
          ExpressionAttributeValues: { ':delta': delta },
        },
      },
    ],
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await t.db.send(transaction);
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      const codes = cancellationCodes(err);
      if (!codes) throw err;
      if (codes[0] === 'ConditionalCheckFailed') return false;
      // TransactionConflict: another transaction held the lead or the load item; nothing was written.
      if (attempt >= CONFLICT_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * Math.min(200, 5 * 2 ** attempt))));
    }
  }
};

/**
 * Runs the lead's move; with a load effect on a lead that holds (release) or held (take) a load, the load item
 * moves in the same transaction. False when the lead's condition did not hold.
 */
export const moveWithLoad = async (t: LeadTable, leadId: string, move: LeadMove, lead: LeadUpdate) => {
  if (move.load === 'none') return lead.run(t);
  const state = await readLoadState(t, leadId);
  if (!state) return false;
  const taken = state.loadTaken;
  const applies =
    taken !== undefined &&
    (move.load === 'release' ? state.loadReleasedAt === undefined : state.loadReleasedAt !== undefined);
  if (!applies) {
    // Nothing to release or take (a fallback owner's lead holds no load); the write still requires the
    // load state it read, so a concurrent release cannot slip in between.
    lead.equalsOrAbsent('loadTaken', taken).equalsOrAbsent('loadReleasedAt', state.loadReleasedAt);
    return lead.run(t);
  }
  lead.equals('loadTaken', taken);
  if (move.load === 'release') lead.set('loadReleasedAt', t.now().toISOString()).absent('loadReleasedAt');
  else lead.remove('loadReleasedAt').present('loadReleasedAt');
  return transactWithLoad(t, lead, taken, move.load === 'release' ? -1 : 1);
};

export const recordOutcome = (
  t: LeadTable,
  leadId: string,
  move: LeadMove,
  outcome: OutcomeRecord,
  audit: AuditEntry,
): Promise<boolean> => {
  const lead = new LeadUpdate(leadId)
    .set('status', move.to)
    .set('outcome', outcome)
    .append('outcomes', [outcome])
    .append('audit', [audit])
    .equals('status', move.from);
  // An outcome that keeps the state (no response yet) is recorded once until another one follows.
  if (move.from === move.to) lead.differsOrAbsent('outcome.outcome', outcome.outcome);
  return moveWithLoad(t, leadId, move, lead);
};

export const reopen = (t: LeadTable, leadId: string, move: LeadMove, audit: AuditEntry): Promise<boolean> =>
  moveWithLoad(
    t,
    leadId,
    move,
    new LeadUpdate(leadId)
      .set('status', move.to)
      .remove('outcome')
      .append('audit', [audit])
      .equals('status', move.from),
  );

/**
 * A manager's assignment of a nurtured lead: the new route and owner index, out of nurture into drafting (the
 * outbox until drafted), and the rep's load taken in the same transaction. The write requires the load
 * bookkeeping it read (a nurtured lead holds no load: any earlier one was released).
 */
export const assignLead = async (
  t: LeadTable,
  leadId: string,
  assignment: { route: Route; loadTaken?: string },
  move: LeadMove,
  audit: AuditEntry,
): Promise<boolean> => {
  const state = await readLoadState(t, leadId);
  if (!state) return false;
  const { route, loadTaken } = assignment;
  const keys = ownerIndexKeys(leadId, route.ownerId, route.slaDueAt);
  const lead = new LeadUpdate(leadId)
    .set('status', move.to)
    .set('route', route)
    .set('ownerPk', keys.ownerPk)
    .set('ownerSk', keys.ownerSk)
    .set('outboxPk', OUTBOX)
    .set('outboxSk', outboxSk(t.now().toISOString(), leadId))
    .append('audit', [audit])
    .equals('status', move.from)
    .equalsOrAbsent('loadTaken', state.loadTaken)
    .equalsOrAbsent('loadReleasedAt', state.loadReleasedAt);
  if (!loadTaken) return lead.remove('rationale', 'loadTaken', 'loadReleasedAt').run(t);
  lead.set('loadTaken', loadTaken).remove('rationale', 'loadReleasedAt');
  return transactWithLoad(t, lead, loadTaken, 1);
};
