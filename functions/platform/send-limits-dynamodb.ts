/**
 * The automatic send limits (functions/agent/handoff/send-limits.ts) on the leads table. Items:
 * - `LIMIT#ADDR#<sha256(address)>` / `LIMIT`: which lead last mailed this address automatically, until when;
 * - `LIMIT#DOMAIN#<domain>#<yyyy-mm-dd>` / `LIMIT`: the string set of leads mailed automatically that day.
 * Both are written in one transaction with conditions, so two concurrent sends cannot both slip under a limit,
 * and a lead that already holds its claim (a redelivered message) passes again. Both expire by TTL.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AutoSendClaim,
  type AutoSendGate,
  type ClaimResult,
  DEFAULT_SEND_LIMITS,
  limitReason,
  type SendLimits,
} from '../agent/handoff/send-limits';

const DAY = 86_400;

export class DynamoAutoSendGate implements AutoSendGate {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly limits: SendLimits = DEFAULT_SEND_LIMITS,
  ) {}

  /** Concurrent claims on one domain can cancel each other (TransactionConflict): try again a few times. */
  async claim(c: AutoSendClaim): Promise<ClaimResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.claimOnce(c);
      } catch (error) {
        const conflict =
          error instanceof TransactionCanceledException &&
          (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
        if (!conflict || attempt >= 4) throw error;
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 30));
      }
    }
  }

  private async claimOnce(c: AutoSendClaim): Promise<ClaimResult> {
    const now = Math.floor(c.at.getTime() / 1000);
    const day = c.at.toISOString().slice(0, 10);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: { pk: `LIMIT#ADDR#${c.addressHash}`, sk: 'LIMIT' },
                UpdateExpression: 'SET leadId = :lead, expiresAt = :until',
                ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now OR leadId = :lead',
                ExpressionAttributeValues: {
                  ':lead': c.leadId,
                  ':now': now,
                  ':until': now + this.limits.recipientDays * DAY,
                },
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: { pk: `LIMIT#DOMAIN#${c.domain}#${day}`, sk: 'LIMIT' },
                UpdateExpression: 'ADD leads :leadSet SET expiresAt = :until',
                ConditionExpression:
                  'attribute_not_exists(leads) OR size(leads) < :max OR contains(leads, :lead)',
                ExpressionAttributeValues: {
                  ':leadSet': new Set([c.leadId]),
                  ':lead': c.leadId,
                  ':max': this.limits.domainPerDay,
                  ':until': now + 2 * DAY,
                },
              },
            },
          ],
        }),
      );
      return { ok: true };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [address, domain] = error.CancellationReasons ?? [];
      if (address?.Code === 'ConditionalCheckFailed')
        return { ok: false, limit: 'recipient', reason: limitReason('recipient', this.limits) };
      if (domain?.Code === 'ConditionalCheckFailed')
        return { ok: false, limit: 'domain', reason: limitReason('domain', this.limits) };
      throw error;
    }
  }
}
