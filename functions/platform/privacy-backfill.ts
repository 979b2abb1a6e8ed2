/**
 * One-off migration for leads stored before the privacy keys existed: gives each lead item its `byEmail`
 * index keys (so access and erasure find it without a scan) and its retention — the processing record with
 * `retainUntil`, the TTL attribute `expiresAt` and the `byExpiry` index keys (so the daily privacy job erases
 * it with what hangs on it before TTL removes the item). A migration may scan: it pages through the table
 * once, `pageSize` items a page, and reports the cursor after every page so an interrupted run resumes where
 * it stopped. Every write is conditional on the key still being absent, so a second run (or a lead written
 * meanwhile by the new code) changes nothing.
 *
 * Retention of an old lead counts from when it was received, by its record class (spam, customer, other).
 * One that is overdue already is due today instead, so the next daily job erases it properly rather than
 * TTL deleting the item alone.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { processingRecordFor, retainUntil } from '../agent/privacy/basis';
import type { PrivacyPolicy } from '../agent/privacy/policy';
import { CONVERTED } from '../agent/privacy/retention';
import {
  type LeadTable,
  LeadUpdate,
  privacyAttributes,
  retentionAttributes,
  toLeadRecord,
} from './lead-item';

export interface PrivacyBackfillOptions {
  readonly policy: PrivacyPolicy;
  /** Items read per Scan page. */
  readonly pageSize: number;
  /** Where an interrupted run stopped (the `cursor` of its last page report). */
  readonly from?: string;
  /** Stop after this many pages (resume later with the reported cursor). */
  readonly maxPages?: number;
  /** Count what would change, write nothing. */
  readonly dryRun?: boolean;
  readonly onPage?: (report: PrivacyBackfillReport) => void;
}

export interface PrivacyBackfillReport {
  /** Lead items read that lacked a key (a lead without an address is read on every run: it gets no email keys). */
  readonly scanned: number;
  /** Leads given `byEmail` keys. */
  readonly emailKeys: number;
  /** Leads given a retention (processing record as needed, TTL and `byExpiry` keys). */
  readonly retention: number;
  /** Of those, leads whose retention had ended already: due today. */
  readonly overdue: number;
  /** Leads a concurrent writer gave the keys first (the condition did not hold). */
  readonly skipped: number;
  readonly pages: number;
  /** Resume here; absent once the whole table was read. */
  readonly cursor?: string;
}

export const encodeCursor = (key: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(key)).toString('base64url');
export const decodeCursor = (cursor: string): Record<string, unknown> => {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && 'pk' in key && 'sk' in key) return key as Record<string, unknown>;
  } catch {
    // falls through
  }
  throw new Error('the cursor is not one this command reported');
};

export const backfillPrivacyKeys = async (
  t: LeadTable,
  options: PrivacyBackfillOptions,
): Promise<PrivacyBackfillReport> => {
  const now = t.now();
  const counts = { scanned: 0, emailKeys: 0, retention: 0, overdue: 0, skipped: 0, pages: 0 };
  let start = options.from ? decodeCursor(options.from) : undefined;
  let cursor: string | undefined;
  do {
    const out = await t.db.send(
      new ScanCommand({
        TableName: t.table,
        Limit: options.pageSize,
        FilterExpression: 'sk = :lead AND (attribute_not_exists(emailPk) OR attribute_not_exists(expiryPk))',
        ExpressionAttributeValues: { ':lead': 'LEAD' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    counts.pages++;
    for (const item of out.Items ?? []) {
      counts.scanned++;
      const record = toLeadRecord(item);
      const u = new LeadUpdate(record.leadId);
      let email = false;
      let retention = false;
      let overdue = false;
      if (item.emailPk === undefined) {
        const keys = privacyAttributes(record);
        if (keys.emailPk) {
          u.set('emailPk', keys.emailPk).set('emailSk', keys.emailSk).absent('emailPk');
          email = true;
        }
      }
      if (item.expiryPk === undefined) {
        const spam = record.status === 'spam';
        const days = spam
          ? options.policy.retentionDays.spamLead
          : CONVERTED.includes(record.status)
            ? options.policy.retentionDays.convertedLead
            : options.policy.retentionDays.unconvertedLead;
        const kept = record.privacy?.retainUntil ?? retainUntil(record.receivedAt, days);
        overdue = Date.parse(kept) < now.getTime();
        const until = overdue ? now.toISOString() : kept;
        const attributes = retentionAttributes(record.leadId, until);
        u.set('expiresAt', attributes.expiresAt)
          .set('expiryPk', attributes.expiryPk)
          .set('expirySk', attributes.expirySk)
          .absent('expiryPk');
        // Without a processing record: the basis that applied (the form's consent, else the configured one).
        if (record.privacy) u.set('privacy.retainUntil', until);
        else
          u.set('privacy', {
            ...processingRecordFor(record.lead, options.policy, new Date(record.receivedAt), spam),
            recordedAt: now.toISOString(),
            retainUntil: until,
          }).absent('privacy');
        retention = true;
      }
      if (!email && !retention) continue;
      if (!options.dryRun && !(await u.run(t))) {
        counts.skipped++;
        continue;
      }
      if (email) counts.emailKeys++;
      if (retention) counts.retention++;
      if (overdue) counts.overdue++;
    }
    start = out.LastEvaluatedKey;
    cursor = start ? encodeCursor(start) : undefined;
    options.onPage?.({ ...counts, ...(cursor ? { cursor } : {}) });
  } while (start && (options.maxPages === undefined || counts.pages < options.maxPages));
  return { ...counts, ...(cursor ? { cursor } : {}) };
};
