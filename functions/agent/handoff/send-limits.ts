/**
 * Send limits for emails no person approved (`auto` handoff): at most one per recipient address per
 * `recipientDays`, and at most `domainPerDay` per recipient domain per (UTC) day. Even a corroborated address
 * can be typed by someone else; the limits keep what such a person can cause to one polite email per address
 * per month. Checked by the send step just before the mail would go out; a draft over a limit waits for a
 * person, with the reason on the draft. The port's adapter keeps the counters on the leads table
 * (functions/platform/send-limits-dynamodb.ts); the in-memory one below serves tests and the ops CLI.
 */

export interface SendLimits {
  /** One automatic email per address in this many days. */
  readonly recipientDays: number;
  /** Automatic emails per recipient domain per UTC day. */
  readonly domainPerDay: number;
}

export const DEFAULT_SEND_LIMITS: SendLimits = { recipientDays: 30, domainPerDay: 5 };

export interface AutoSendClaim {
  readonly leadId: string;
  /** sha256 of the lower-cased address (functions/agent/pipeline/send-draft.ts `emailHash`): no address stored. */
  readonly addressHash: string;
  /** The recipient's domain, lower case. */
  readonly domain: string;
  readonly at: Date;
}

export type ClaimResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly limit: 'recipient' | 'domain'; readonly reason: string };

/** The send step's dependency for automatic sends. Every method is idempotent per lead. */
export interface AutoSendGate {
  /**
   * Counts this lead's automatic email against both limits, atomically; `ok` again for the same lead (a
   * redelivered send message), refused when the address or the domain is over its limit.
   */
  claim(claim: AutoSendClaim): Promise<ClaimResult>;
}

export const limitReason = (limit: 'recipient' | 'domain', limits: SendLimits): string =>
  limit === 'recipient'
    ? `send limit: this address already got an automatic email in the last ${limits.recipientDays} days → review`
    : `send limit: ${limits.domainPerDay} automatic emails to this domain today → review`;

const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/** In-memory gate with the adapter's semantics (tests, the ops CLI). */
export class InMemoryAutoSendGate implements AutoSendGate {
  readonly addresses = new Map<string, { leadId: string; until: number }>();
  readonly domains = new Map<string, Set<string>>();

  constructor(private readonly limits: SendLimits = DEFAULT_SEND_LIMITS) {}

  async claim(c: AutoSendClaim): Promise<ClaimResult> {
    const address = this.addresses.get(c.addressHash);
    if (address && address.leadId !== c.leadId && address.until > c.at.getTime())
      return { ok: false, limit: 'recipient', reason: limitReason('recipient', this.limits) };
    const key = `${c.domain}#${dayOf(c.at)}`;
    const leads = this.domains.get(key) ?? new Set<string>();
    if (!leads.has(c.leadId) && leads.size >= this.limits.domainPerDay)
      return { ok: false, limit: 'domain', reason: limitReason('domain', this.limits) };
    leads.add(c.leadId);
    this.domains.set(key, leads);
    this.addresses.set(c.addressHash, {
      leadId: c.leadId,
      until: c.at.getTime() + this.limits.recipientDays * 86_400_000,
    });
    return { ok: true };
  }
}
