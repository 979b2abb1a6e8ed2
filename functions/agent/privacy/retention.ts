/**
 * Retention per record class (config/privacy.yaml `retentionDays`). DynamoDB TTL (`expiresAt`) deletes
 * items when their time is up; this daily sweep does what TTL cannot: a lead whose retention ends is erased
 * with everything that hangs on it outside its own item (CRM links and the CRM contact, the intake guard, the
 * address's send-limit claim) — unless it became a customer, whose record is kept for the converted-lead
 * retention instead. Leads are found day by day through the `byExpiry` index, up to one day ahead and a
 * week back (a missed run catches up). Erasure jobs a crash left running are finished first. Pure: ports only.
 */
import type { LeadStatus } from '../lifecycle';
import { retainUntil } from './basis';
import { type ErasureDeps, eraseLead, resumeErasures } from './erasure';
import type { PrivacyPolicy } from './policy';

export interface RetentionStore {
  /** Lead ids whose retention ends on `day` (yyyy-mm-dd). */
  dueOn(day: string): Promise<string[]>;
  /** Moves the lead's retention end (TTL and the `byExpiry` index) to `until`. */
  retainLeadUntil(leadId: string, until: string): Promise<void>;
}

/** Statuses of a lead that became a customer relationship (kept for the converted-lead retention). */
export const CONVERTED: readonly LeadStatus[] = ['won'];

export interface RetentionReport {
  readonly resumedErasures: number;
  readonly erased: number;
  readonly extended: number;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export const sweepRetention = async (
  deps: ErasureDeps & { readonly retention: RetentionStore; readonly policy: PrivacyPolicy },
): Promise<RetentionReport> => {
  const resumedErasures = await resumeErasures(deps);
  const now = deps.now();
  let erased = 0;
  let extended = 0;
  for (let offset = -7; offset <= 1; offset++) {
    const due = day(new Date(now.getTime() + offset * 86_400_000));
    for (const leadId of await deps.retention.dueOn(due)) {
      const record = await deps.store.get(leadId);
      if (!record) continue;
      if (CONVERTED.includes(record.status)) {
        const until = retainUntil(record.receivedAt, deps.policy.retentionDays.convertedLead);
        if (Date.parse(until) > now.getTime() + 86_400_000) {
          await deps.retention.retainLeadUntil(leadId, until);
          extended++;
          continue;
        }
      }
      await eraseLead(deps, record, { by: 'retention', via: 'retention' }, 'lead');
      erased++;
    }
  }
  return { resumedErasures, erased, extended };
};
