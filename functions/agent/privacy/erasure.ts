/**
 * Erasure (GDPR art. 17) of everything held about an email address, as a persisted job of idempotent steps,
 * so a crash half-way is resumed by the next request (or the scheduled privacy job) and a repeated request
 * changes nothing:
 *
 *   collect   every lead of the address (the `byEmail` index) and the keys of everything stored about each:
 *             its partition (lead, events, outcomes, score history, whatever a feature keeps there), CRM
 *             links and references, the exactly-once guard, the send-limit claim, the enrichment cache of
 *             its own company domains, the events parked under its salted hash before a lead existed — and
 *             the CRM contacts it became;
 *   suppress  the salted hash goes on the suppression list (never mailed, never scored again);
 *   crm       what the sync created about each lead in the CRM is deleted — the deal / Pipedrive lead (its title
 *             may be the person's name), the score note, the owner's task (its subject names the person) and
 *             the logged first email (addressed to them) — then each CRM contact is erased (HubSpot GDPR
 *             delete, Pipedrive person delete), which does not take those records along;
 *   delete    every collected item is deleted;
 *   verify    the index is asked again; a lead that arrived meanwhile starts another round.
 *
 * The job is keyed by the salted hash and holds ids and keys only, never the address; once done it is
 * reduced to the audit record (who asked, when, counts, steps) and kept for the audit retention. Queue
 * messages carry lead ids only, so a message still in flight finds nothing and is skipped. Pure: ports only.
 */
import { DomainError } from '../errors';
import type { LeadRecord } from '../lead-record';
import type { PrivacyStore } from '../ports';
import { saltedEmailHash } from './links';
import { emailSha256 } from './rights';

export const ERASURE_STEPS = ['collect', 'suppress', 'crm', 'delete', 'verify'] as const;
export type ErasureStep = (typeof ERASURE_STEPS)[number];

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}
export interface CrmContactRef {
  readonly crm: string;
  readonly contactId: string;
}
/** A CRM object the sync created about one lead: its deal / Pipedrive lead and its activities. */
export interface CrmRecordRef {
  readonly crm: string;
  readonly type: 'deal' | 'lead' | 'note' | 'task' | 'email';
  readonly id: string;
}
/** What the erasure needs of a CRM adapter. */
export interface CrmErasurePort {
  eraseContact(contactId: string): Promise<void>;
  /** Deletes a deal, lead, note, task or logged email; one already gone counts as deleted. */
  eraseRecord(type: CrmRecordRef['type'], id: string): Promise<void>;
}

export interface ErasureJob {
  /** The salted hash of the address (or `lead:<id>` for a lead without one). */
  readonly jobId: string;
  readonly status: 'running' | 'done';
  readonly requestedAt: string;
  /** `prospect` or the privacy officer's team.yaml id. */
  readonly requestedBy: string;
  readonly via: 'link' | 'ops' | 'retention';
  /**
   * `person`: everything about the address (a request); `lead`: one lead whose retention ended — the
   * address's own items (send-limit claim, suppression, CRM contact) only when no other lead of it is left.
   */
  readonly scope?: 'person' | 'lead';
  /** How often erasure ran for this address (a person may come back and ask again). */
  readonly runs: number;
  /** Rounds of collect → verify in this run. */
  readonly rounds: number;
  readonly stepsDone: Partial<Record<ErasureStep, string>>;
  /** While running: what to look up and erase (pseudonymous; gone once done). */
  readonly emailSha256?: string;
  /** Leads known to be the person's besides what the index finds (a lead stored before the index existed). */
  readonly knownLeadIds?: readonly string[];
  readonly leadIds?: readonly string[];
  readonly keys?: readonly ItemKey[];
  readonly crmContacts?: readonly CrmContactRef[];
  readonly crmErased?: readonly string[];
  /** The leads' CRM records to delete (a person's erasure; retention leaves the team's CRM records alone). */
  readonly crmRecords?: readonly CrmRecordRef[];
  readonly crmRecordsErased?: readonly string[];
  /** Totals over all rounds, for the audit. */
  readonly counts: {
    readonly leads: number;
    readonly items: number;
    readonly crmContacts: number;
    readonly crmSkipped: number;
    /** Deals, leads, notes, tasks and logged emails deleted in the CRM (absent in audits before it counted). */
    readonly crmRecords?: number;
  };
  readonly finishedAt?: string;
}

export interface ErasureStore {
  getJob(jobId: string): Promise<ErasureJob | undefined>;
  saveJob(job: ErasureJob): Promise<void>;
  /** Stores the finished job as the audit record: no keys, no hashes besides the job id; expires by TTL. */
  finishJob(job: ErasureJob, auditRetentionDays: number): Promise<void>;
  /** Jobs still running (a crash left them), for the scheduled resume. */
  runningJobs(): Promise<string[]>;
  /**
   * The keys of everything stored about the lead (its partition and satellites), plus the enrichment cache
   * entries named by `cacheKeys`, and the CRM contacts its CRM links name.
   */
  itemsOf(
    record: LeadRecord,
    cacheKeys: readonly string[],
    options: { readonly addressItems: boolean },
  ): Promise<{ keys: ItemKey[]; crmContacts: CrmContactRef[]; crmRecords: CrmRecordRef[] }>;
  /**
   * What is still stored for a lead whose item is gone (its partition, CRM links and references): a CRM
   * sync that was in flight during the erasure may have written them after the delete step.
   */
  remainsOf(
    leadId: string,
  ): Promise<{ keys: ItemKey[]; crmContacts: CrmContactRef[]; crmRecords: CrmRecordRef[] }>;
  /**
   * What is still stored under the address itself (the CRM's person cache: which CRM contact the address
   * became), for the same reason: a sync in flight may have written it after the delete step.
   */
  addressRemains(emailSha256: string): Promise<{ keys: ItemKey[]; crmContacts: CrmContactRef[] }>;
  /** Deletes the items; an item already gone is fine. */
  deleteItems(keys: readonly ItemKey[]): Promise<void>;
}

export interface ErasureDeps {
  readonly store: PrivacyStore;
  readonly jobs: ErasureStore;
  /** The CRM adapters that can erase, by CRM kind (absent: CRM sync is not configured). */
  readonly crm: (kind: string) => CrmErasurePort | undefined;
  readonly secret: string;
  readonly auditRetentionDays: number;
  readonly now: () => Date;
  /** Called after each persisted step (tests inject crashes here). */
  readonly afterStep?: (step: ErasureStep, job: ErasureJob) => void | Promise<void>;
}

export interface ErasureResult {
  readonly jobId: string;
  readonly status: 'done';
  readonly counts: ErasureJob['counts'];
  readonly runs: number;
}

const MAX_ROUNDS = 3;

/** The enrichment cache entries about the lead's own company (never a shared free-mail domain). */
export const cacheKeysOf = (record: LeadRecord): string[] => {
  const keys = new Set<string>();
  const e = record.enrichment;
  const emailDomain = e?.email && !e.email.freeMail ? e.email.domain.toLowerCase() : undefined;
  const domains = new Set(
    [emailDomain, record.lead.company.domain?.toLowerCase()].filter(Boolean) as string[],
  );
  if (e?.email?.freeMail) domains.delete(e.email.domain.toLowerCase());
  for (const d of domains) {
    keys.add(`email:v1:${d}:person`);
    keys.add(`email:v1:${d}:role`);
    keys.add(`intent:v1:${d}`);
    for (const source of ['kvk', 'directory']) keys.add(`registry:v2:${source}:domain:${d}`);
  }
  for (const url of [e?.website?.url, e?.website?.finalUrl, record.lead.company.website]) {
    if (!url) continue;
    try {
      const u = new URL(/^https?:\/\//i.test(url) ? url : `https://${url}`);
      keys.add(`website:v2:${u.protocol}//${u.host}`.toLowerCase());
      keys.add(`jobs:v1:${u.protocol}//${u.host}`.toLowerCase());
    } catch {
      // not a URL: nothing was cached under it
    }
  }
  return [...keys];
};

const emptyCounts = { leads: 0, items: 0, crmContacts: 0, crmSkipped: 0, crmRecords: 0 };
const recordKey = (r: CrmRecordRef) => `${r.crm}:${r.type}:${r.id}`;

/** Starts (or resumes) the erasure of an address. */
export const eraseByEmail = async (
  deps: ErasureDeps,
  email: string,
  requested: { by: string; via: 'link' | 'ops' },
  knownLeadIds: readonly string[] = [],
): Promise<ErasureResult> => {
  if (!/^[^\s@]+@[^\s@]+$/.test(email.trim()))
    throw new DomainError('invalid', 'Not an email address', { field: 'email' });
  const jobId = saltedEmailHash(deps.secret, email);
  const existing = await deps.jobs.getJob(jobId);
  if (existing?.status === 'running') return runErasure(deps, existing);
  const job: ErasureJob = {
    jobId,
    status: 'running',
    requestedAt: deps.now().toISOString(),
    requestedBy: requested.by,
    via: requested.via,
    runs: (existing?.runs ?? 0) + 1,
    rounds: 1,
    stepsDone: {},
    emailSha256: emailSha256(email),
    ...(knownLeadIds.length ? { knownLeadIds } : {}),
    counts: existing?.counts ?? emptyCounts,
  };
  await deps.jobs.saveJob(job);
  return runErasure(deps, job);
};

/**
 * The erasure of one lead's person (`person`: from the prospect's own link), or of just this lead
 * (`lead`: its retention ended).
 */
export const eraseLead = async (
  deps: ErasureDeps,
  record: LeadRecord,
  requested: { by: string; via: 'link' | 'ops' | 'retention' },
  scope: 'person' | 'lead' = 'person',
): Promise<ErasureResult> => {
  const email = record.lead.person.email;
  if (email && scope === 'person')
    return eraseByEmail(deps, email, { by: requested.by, via: requested.via === 'link' ? 'link' : 'ops' }, [
      record.leadId,
    ]);
  const jobId = `lead:${record.leadId}`;
  const existing = await deps.jobs.getJob(jobId);
  if (existing?.status === 'running') return runErasure(deps, existing);
  const job: ErasureJob = {
    jobId,
    status: 'running',
    requestedAt: deps.now().toISOString(),
    requestedBy: requested.by,
    via: requested.via,
    runs: (existing?.runs ?? 0) + 1,
    rounds: 1,
    scope: 'lead',
    stepsDone: {},
    leadIds: [record.leadId],
    counts: existing?.counts ?? emptyCounts,
  };
  await deps.jobs.saveJob(job);
  return runErasure(deps, job);
};

/** Runs the steps not done yet; each persisted before the next starts. */
export const runErasure = async (deps: ErasureDeps, start: ErasureJob): Promise<ErasureResult> => {
  let job = start;
  const at = () => deps.now().toISOString();
  const done = async (step: ErasureStep, patch: Partial<ErasureJob>) => {
    job = { ...job, ...patch, stepsDone: { ...job.stepsDone, [step]: at() } };
    await deps.jobs.saveJob(job);
    await deps.afterStep?.(step, job);
  };

  for (;;) {
    if (!job.stepsDone.collect) {
      const leadIds = job.emailSha256
        ? [...new Set([...(await deps.store.leadIdsByEmail(job.emailSha256)), ...(job.knownLeadIds ?? [])])]
        : [...(job.leadIds ?? [])];
      const keys: ItemKey[] = [];
      const contacts: CrmContactRef[] = [];
      const records: CrmRecordRef[] = [];
      for (const leadId of leadIds) {
        const record = await deps.store.get(leadId);
        if (!record) continue;
        const email = record.lead.person.email;
        const lastOfAddress =
          job.scope !== 'lead' ||
          !email ||
          (await deps.store.leadIdsByEmail(emailSha256(email))).every((id) => id === leadId);
        const found = await deps.jobs.itemsOf(record, job.scope === 'lead' ? [] : cacheKeysOf(record), {
          addressItems: lastOfAddress,
        });
        keys.push(...found.keys);
        contacts.push(...found.crmContacts);
        if (job.scope !== 'lead') records.push(...found.crmRecords);
      }
      // Events parked under the address's salted hash (the job id) before any lead of it arrived.
      if (job.scope !== 'lead' && !job.jobId.startsWith('lead:'))
        for (const item of await deps.store.parkedItems(job.jobId))
          keys.push({ pk: String(item.pk), sk: String(item.sk) });
      const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
      const crmContacts = [...new Map(contacts.map((c) => [`${c.crm}:${c.contactId}`, c])).values()];
      const crmRecords = [...new Map(records.map((r) => [recordKey(r), r])).values()];
      await done('collect', {
        leadIds,
        keys: unique,
        crmContacts,
        crmErased: [],
        crmRecords,
        crmRecordsErased: [],
        counts: {
          ...job.counts,
          leads: job.counts.leads + leadIds.length,
          items: job.counts.items + unique.length,
        },
      });
    }
    if (!job.stepsDone.suppress) {
      if (!job.jobId.startsWith('lead:'))
        await deps.store.suppress(job.jobId, { reason: 'erasure', at: at(), noProfiling: true });
      await done('suppress', {});
    }
    if (!job.stepsDone.crm) {
      // The lead's own records first: they name the person, and the contact's erasure leaves them.
      for (const record of job.crmRecords ?? []) {
        const key = recordKey(record);
        if (job.crmRecordsErased?.includes(key)) continue;
        const eraser = deps.crm(record.crm);
        if (eraser) await eraser.eraseRecord(record.type, record.id);
        job = {
          ...job,
          crmRecordsErased: [...(job.crmRecordsErased ?? []), key],
          counts: eraser ? { ...job.counts, crmRecords: (job.counts.crmRecords ?? 0) + 1 } : job.counts,
        };
        await deps.jobs.saveJob(job);
      }
      for (const contact of job.crmContacts ?? []) {
        const key = `${contact.crm}:${contact.contactId}`;
        if (job.crmErased?.includes(key)) continue;
        const eraser = deps.crm(contact.crm);
        if (eraser) await eraser.eraseContact(contact.contactId);
        job = {
          ...job,
          crmErased: [...(job.crmErased ?? []), key],
          counts: eraser
            ? { ...job.counts, crmContacts: job.counts.crmContacts + 1 }
            : { ...job.counts, crmSkipped: job.counts.crmSkipped + 1 },
        };
        await deps.jobs.saveJob(job);
      }
      await done('crm', {});
    }
    if (!job.stepsDone.delete) {
      await deps.jobs.deleteItems(job.keys ?? []);
      await done('delete', {});
    }
    // Whatever a sync in flight wrote back meanwhile goes too (and its CRM contact).
    for (const leadId of job.leadIds ?? []) {
      const remains = await deps.jobs.remainsOf(leadId);
      if (remains.keys.length === 0) continue;
      if (job.scope !== 'lead')
        for (const r of remains.crmRecords) await deps.crm(r.crm)?.eraseRecord(r.type, r.id);
      for (const c of remains.crmContacts) await deps.crm(c.crm)?.eraseContact(c.contactId);
      await deps.jobs.deleteItems(remains.keys);
    }
    if (job.emailSha256 && job.scope !== 'lead') {
      const remains = await deps.jobs.addressRemains(job.emailSha256);
      for (const c of remains.crmContacts) await deps.crm(c.crm)?.eraseContact(c.contactId);
      await deps.jobs.deleteItems(remains.keys);
    }
    const left = job.emailSha256 ? await deps.store.leadIdsByEmail(job.emailSha256) : [];
    if (left.length === 0 || job.rounds >= MAX_ROUNDS) {
      await done('verify', {});
      break;
    }
    // A lead arrived while erasing: another round for it.
    job = { ...job, rounds: job.rounds + 1, stepsDone: {} };
    await deps.jobs.saveJob(job);
  }

  const finished: ErasureJob = {
    jobId: job.jobId,
    status: 'done',
    requestedAt: job.requestedAt,
    requestedBy: job.requestedBy,
    via: job.via,
    ...(job.scope ? { scope: job.scope } : {}),
    runs: job.runs,
    rounds: job.rounds,
    stepsDone: job.stepsDone,
    counts: job.counts,
    finishedAt: at(),
  };
  await deps.jobs.finishJob(finished, deps.auditRetentionDays);
  return { jobId: job.jobId, status: 'done', counts: job.counts, runs: job.runs };
};

/** Finishes every job a crash left running (the scheduled privacy job). */
export const resumeErasures = async (deps: ErasureDeps): Promise<number> => {
  let resumed = 0;
  for (const jobId of await deps.jobs.runningJobs()) {
    const job = await deps.jobs.getJob(jobId);
    if (job?.status !== 'running') continue;
    await runErasure(deps, job);
    resumed++;
  }
  return resumed;
};
