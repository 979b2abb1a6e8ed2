/**
 * Outbound sync: a batch of (lead, trigger) jobs → the lead's company, contact, deal or lead, rationale note,
 * owner task and logged first email in the CRM. Pure orchestration behind `CrmPort` and `CrmLinkStore`:
 * - search/upsert before create: companies by domain, contacts by email, records by our lead id; the ids
 *   found are cached, and a short lock per domain / email / lead keeps concurrent batches from creating the
 *   same thing twice;
 * - idempotent on redelivery: every activity has a key (score version, owner + SLA, message id, outcome id);
 *   it is reserved before it is created and looked up by its marker when a crash left only the reservation;
 * - batched: each phase sends one batch per object type; results come back per item, and a failed item only
 *   stops its own lead (the others go on).
 */
import { createHash } from 'node:crypto';
import type { LeadRecord } from '../lead-record';
import { markerLine, recordTitle, scoreNote, taskBody, taskPriority, taskSubject } from './content';
import type { CrmMapping } from './mapping';
import {
  type ActivityInput,
  type CompanyInput,
  type ContactInput,
  CrmError,
  type CrmLinkStore,
  type CrmPort,
  type CrmProps,
  type ItemResult,
  type RecordInput,
} from './port';
import type { CrmActivityLink, CrmJob, CrmKind, CrmLinks, OutboundOutcome } from './types';
import { type CrmLeadView, crmLeadView, mapProperties } from './view';

export interface CrmSyncDeps {
  readonly crm: CrmPort;
  readonly store: CrmLinkStore;
  readonly mapping: CrmMapping;
  readonly now: () => Date;
  /** Link back to our lead page: base URL the lead id is appended to. */
  readonly leadPageBaseUrl?: string;
  /** Display name of one of our people (team.yaml id), for notes and the logged email's sender. */
  readonly personName?: (id: string) => string | undefined;
  /** The address first emails are sent from (logged as the sender). */
  readonly fromAddress?: string;
  /** Lease length of the per-lead / per-domain locks. */
  readonly lockSeconds?: number;
}

export interface SyncItem {
  readonly record: LeadRecord;
  readonly job: CrmJob;
}

export interface SyncResult {
  readonly leadId: string;
  readonly trigger: CrmJob['trigger'];
  /**
   * `synced`: everything the trigger asks for is in the CRM; `skipped`: nothing to do (no score yet, spam,
   * an outcome that came from this CRM); `deferred`: another worker holds a lock, try again in seconds;
   * `failed`: a CRM call failed, retry later (`error`).
   */
  readonly status: 'synced' | 'skipped' | 'deferred' | 'failed';
  readonly reason?: string;
  readonly error?: CrmError;
  /** What this run created or updated (counts only). */
  readonly created: { companies: number; contacts: number; records: number; activities: number };
  readonly links?: CrmLinks;
}

const DEFAULT_LOCK_SECONDS = 60;

export const emailKey = (email: string) =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Unit {
  readonly leadId: string;
  readonly view: CrmLeadView;
  readonly jobs: CrmJob[];
  links: Mutable<CrmLinks> & { activities: Record<string, CrmActivityLink> };
  status?: SyncResult['status'];
  reason?: string;
  error?: CrmError;
  created: { companies: number; contacts: number; records: number; activities: number };
  locks: string[];
  dirty: boolean;
}

interface PlannedActivity {
  readonly unit: Unit;
  readonly input: ActivityInput;
  readonly pendingBefore: boolean;
}

const triggerOf = (unit: Unit) => unit.jobs[0]!.trigger;
const hasTrigger = (unit: Unit, ...triggers: CrmJob['trigger'][]) =>
  unit.jobs.some((j) => triggers.includes(j.trigger));
const active = (unit: Unit) => unit.status === undefined;

const fail = (unit: Unit, error: unknown) => {
  unit.status = 'failed';
  unit.error =
    error instanceof CrmError
      ? error
      : new CrmError(error instanceof Error ? error.message : 'unknown', 'unavailable');
};

/** Whether the lead gets a deal, a Pipedrive lead, or no record at all. */
export const recordTypeFor = (
  mapping: CrmMapping,
  kind: CrmKind,
  routeKind: 'owner' | 'nurture' | undefined,
): 'deal' | 'lead' | undefined => {
  if (!routeKind) return undefined;
  if (kind === 'hubspot') return mapping.hubspot?.deal.createFor.includes(routeKind) ? 'deal' : undefined;
  const p = mapping.pipedrive;
  if (!p) return undefined;
  if (p.lead.createFor.includes(routeKind)) return 'lead';
  return p.deal.createFor.includes(routeKind) ? 'deal' : undefined;
};

export const syncLeads = async (items: readonly SyncItem[], deps: CrmSyncDeps): Promise<SyncResult[]> => {
  const kind = deps.crm.kind;
  const lockSeconds = deps.lockSeconds ?? DEFAULT_LOCK_SECONDS;
  const language = deps.mapping.language;
  const nowIso = () => deps.now().toISOString();

  // ---- Units: one per lead (several jobs of one lead in a batch run together) ----------------------------
  const byLead = new Map<string, Unit>();
  for (const { record, job } of items) {
    const existing = byLead.get(record.leadId);
    if (existing) {
      existing.jobs.push(job);
      continue;
    }
    byLead.set(record.leadId, {
      leadId: record.leadId,
      view: crmLeadView(record, deps.leadPageBaseUrl),
      jobs: [job],
      links: { leadId: record.leadId, crm: kind, activities: {} },
      created: { companies: 0, contacts: 0, records: 0, activities: 0 },
      locks: [],
      dirty: false,
    });
    if (record.status === 'spam') {
      const u = byLead.get(record.leadId)!;
      u.status = 'skipped';
      u.reason = 'spam';
    }
  }
  const units = [...byLead.values()];

  const lockFor = async (unit: Unit, key: string): Promise<boolean> => {
    if (unit.locks.includes(key)) return true;
    if (!(await deps.store.lock(key, lockSeconds))) return false;
    unit.locks.push(key);
    return true;
  };

  try {
    // ---- Lock each lead and load its links -------------------------------------------------------------------
    await Promise.all(
      units.filter(active).map(async (unit) => {
        try {
          if (!(await lockFor(unit, `lead:${unit.leadId}`))) {
            unit.status = 'deferred';
            unit.reason = 'lead locked by another sync';
            return;
          }
          const stored = await deps.store.get(unit.leadId);
          if (stored && stored.crm === kind) {
            unit.links = { ...stored, activities: { ...stored.activities } };
          }
        } catch (error) {
          fail(unit, error);
        }
      }),
    );

    // ---- What each unit needs --------------------------------------------------------------------------------
    for (const unit of units.filter(active)) {
      const v = unit.view;
      if (!v.score || !v.route) {
        unit.status = 'skipped';
        unit.reason = 'not scored and routed yet';
        continue;
      }
      const keys = unit.jobs.map((j) => jobKey(j, v));
      if (keys.every((k) => k && unit.links.done?.includes(k))) {
        unit.status = 'skipped';
        unit.reason = 'already synced';
        continue;
      }
      const outcomes = unit.jobs.flatMap((j) => (j.trigger === 'outcome' && j.outcome ? [j.outcome] : []));
      if (
        hasTrigger(unit, 'outcome') &&
        unit.jobs.length === outcomes.length &&
        outcomes.every((o) => fromThisCrm(o, kind) || unit.links.outcomes?.includes(o.id))
      ) {
        unit.status = 'skipped';
        unit.reason = 'outcome came from this CRM or was pushed already';
      }
    }

    // ---- Phase 1: companies by domain ---------------------------------------------------------------------
    const companyInputs = new Map<string, { input: CompanyInput; units: Unit[] }>();
    for (const unit of units.filter(active)) {
      const domain = unit.view.company.domain;
      if (!domain) continue;
      const properties = companyProps(unit.view, deps.mapping, kind);
      const name = unit.view.company.name ?? domain;
      if (unit.links.companyId) {
        if (!hasTrigger(unit, 'routed', 'rescored')) continue;
        const key = `id:${unit.links.companyId}`;
        const entry = companyInputs.get(key);
        if (entry) entry.units.push(unit);
        else
          companyInputs.set(key, {
            input: { key, domain, name, properties, knownId: unit.links.companyId },
            units: [unit],
          });
        continue;
      }
      try {
        const cached = await deps.store.findRef(kind, 'company', domain);
        if (cached) {
          unit.links.companyId = cached;
          unit.dirty = true;
          continue;
        }
        const key = `domain:${domain}`;
        const entry = companyInputs.get(key);
        if (entry) {
          entry.units.push(unit);
          continue;
        }
        if (!(await lockFor(unit, `company:${kind}:${domain}`))) {
          unit.status = 'deferred';
          unit.reason = 'company being created by another sync';
          continue;
        }
        companyInputs.set(key, {
          input: { key, domain, name, properties, ownerId: ownerFor(unit.view, deps.mapping, kind) },
          units: [unit],
        });
      } catch (error) {
        fail(unit, error);
      }
    }
    if (companyInputs.size > 0) {
      const results = await callBatch(
        [...companyInputs.values()].map((e) => e.input),
        (inputs) => deps.crm.ensureCompanies(inputs),
      );
      for (const [key, { input, units: us }] of companyInputs) {
        const result = results.get(key)!;
        for (const unit of us.filter(active)) {
          if (!result.ok) {
            fail(unit, result.error);
            continue;
          }
          if (!input.knownId) {
            unit.links.companyId = result.value;
            unit.dirty = true;
          }
        }
        if (result.ok && !input.knownId) {
          us[0]!.created.companies++;
          await deps.store.putRef(kind, 'company', input.domain!, result.value).catch(() => undefined);
        }
      }
    }

    // ---- Phase 2: contacts by email -----------------------------------------------------------------------------
    const contactInputs = new Map<string, { input: ContactInput; units: Unit[] }>();
    for (const unit of units.filter(active)) {
      const email = unit.view.person.email;
      if (!email) continue;
      const refresh = hasTrigger(unit, 'routed', 'rescored', 'email_sent', 'outcome');
      if (unit.links.contactId && !refresh) continue;
      const properties = contactProps(unit, deps.mapping, kind);
      const name = unit.view.person.fullName ?? email;
      const base = {
        email,
        name,
        phone: unit.view.person.phone,
        properties,
        ownerId: ownerFor(unit.view, deps.mapping, kind),
        companyId: unit.links.companyId,
      };
      if (unit.links.contactId) {
        contactInputs.set(`id:${unit.leadId}`, {
          input: { key: `id:${unit.leadId}`, ...base, knownId: unit.links.contactId },
          units: [unit],
        });
        continue;
      }
      try {
        const hash = emailKey(email);
        const key = `email:${hash}`;
        const entry = contactInputs.get(key);
        if (entry) {
          entry.units.push(unit);
          continue;
        }
        const cached = await deps.store.findRef(kind, 'person', hash);
        if (!(await lockFor(unit, `person:${kind}:${hash}`))) {
          unit.status = 'deferred';
          unit.reason = 'contact being created by another sync';
          continue;
        }
        contactInputs.set(key, { input: { key, ...base, knownId: cached }, units: [unit] });
      } catch (error) {
        fail(unit, error);
      }
    }
    if (contactInputs.size > 0) {
      const results = await callBatch(
        [...contactInputs.values()].map((e) => e.input),
        (inputs) => deps.crm.ensureContacts(inputs),
      );
      for (const [key, { input, units: us }] of contactInputs) {
        const result = results.get(key)!;
        for (const unit of us.filter(active)) {
          if (!result.ok) {
            fail(unit, result.error);
            continue;
          }
          if (unit.links.contactId !== result.value) {
            unit.links.contactId = result.value;
            unit.dirty = true;
          }
        }
        if (result.ok && !input.knownId && input.email) {
          us[0]!.created.contacts++;
          await deps.store.putRef(kind, 'person', emailKey(input.email), result.value).catch(() => undefined);
        }
      }
    }

    // ---- Phase 3: the deal / lead -------------------------------------------------------------------------------
    const recordInputs = new Map<string, { input: RecordInput; unit: Unit }>();
    for (const unit of units.filter(active)) {
      const type = unit.links.recordType ?? recordTypeFor(deps.mapping, kind, unit.view.route?.kind);
      if (!type) continue;
      const pushOutcome = pendingOutcomes(unit, kind).at(-1);
      if (!unit.links.recordId || hasTrigger(unit, 'routed', 'rescored') || pushOutcome) {
        const input = recordInput(unit, type, pushOutcome, deps.mapping, kind, language);
        if (!input) continue;
        recordInputs.set(unit.leadId, { input, unit });
        if (!unit.links.recordId) {
          // Reserve: a crash after the create but before the save makes the next attempt search first.
          unit.links.recordType = type;
          unit.links.recordPendingAt = nowIso();
          await deps.store.save(unit.links).catch((error) => fail(unit, error));
        }
      }
    }
    const recordBatch = [...recordInputs.values()].filter((e) => active(e.unit));
    if (recordBatch.length > 0) {
      const results = await callBatch(
        recordBatch.map((e) => e.input),
        (inputs) => deps.crm.upsertRecords(inputs),
      );
      for (const { input, unit } of recordBatch) {
        const result = results.get(input.key)!;
        if (!result.ok) {
          fail(unit, result.error);
          continue;
        }
        if (!unit.links.recordId) unit.created.records++;
        unit.links.recordId = result.value;
        unit.links.recordType = input.type;
        delete unit.links.recordPendingAt;
        unit.dirty = true;
      }
    }

    // ---- Phase 4: activities (note, task, email), reserved before they are created -----------------------------
    const planned: PlannedActivity[] = [];
    for (const unit of units.filter(active)) {
      for (const input of plannedActivities(unit, deps, kind, language)) {
        const existing = unit.links.activities[input.key];
        if (existing?.id) continue;
        planned.push({ unit, input, pendingBefore: existing !== undefined });
      }
      // Outcomes went out with the contact (lead status) and the record (stage, status) above.
      for (const o of pendingOutcomes(unit, kind)) {
        unit.links.outcomes = [...(unit.links.outcomes ?? []), o.id];
        unit.dirty = true;
      }
    }
    // Reservations that a crash left behind: look for the activity before creating it again.
    const toFind = planned.filter((p) => p.pendingBefore);
    const found = new Map<string, string>();
    if (toFind.length > 0) {
      const results = await callBatch(
        toFind.map((p) => ({
          key: `${p.unit.leadId}|${p.input.key}`,
          kind: p.input.kind,
          marker: p.input.marker,
          links: p.input.links,
        })),
        (inputs) => deps.crm.findActivities(inputs),
      );
      for (const p of toFind) {
        const r = results.get(`${p.unit.leadId}|${p.input.key}`)!;
        if (!r.ok) fail(p.unit, r.error);
        else if (r.value) found.set(`${p.unit.leadId}|${p.input.key}`, r.value);
      }
    }
    const toCreate: PlannedActivity[] = [];
    for (const p of planned.filter((p) => active(p.unit))) {
      const id = found.get(`${p.unit.leadId}|${p.input.key}`);
      if (id) {
        p.unit.links.activities[p.input.key] = { id, kind: p.input.kind, at: nowIso() };
        p.unit.dirty = true;
      } else {
        p.unit.links.activities[p.input.key] = { kind: p.input.kind, at: nowIso() };
        toCreate.push(p);
      }
    }
    // Store the reservations before creating anything.
    await Promise.all(
      [...new Set(toCreate.map((p) => p.unit))].map((unit) =>
        deps.store.save(unit.links).catch((error) => fail(unit, error)),
      ),
    );
    const createBatch = toCreate.filter((p) => active(p.unit));
    if (createBatch.length > 0) {
      const results = await callBatch(
        createBatch.map((p) => ({ ...p.input, key: `${p.unit.leadId}|${p.input.key}` })),
        (inputs) => deps.crm.createActivities(inputs),
      );
      for (const p of createBatch) {
        const r = results.get(`${p.unit.leadId}|${p.input.key}`)!;
        if (!r.ok) {
          fail(p.unit, r.error);
          continue;
        }
        p.unit.links.activities[p.input.key] = { id: r.value, kind: p.input.kind, at: nowIso() };
        p.unit.created.activities++;
        p.unit.dirty = true;
      }
    }

    // ---- Save ----------------------------------------------------------------------------------------------------
    await Promise.all(
      units
        .filter((u) => u.status === undefined || u.status === 'failed')
        .map(async (unit) => {
          if (unit.status === undefined) {
            unit.status = 'synced';
            unit.links.syncedAt = nowIso();
            const keys = unit.jobs.map((j) => jobKey(j, unit.view)).filter((k): k is string => !!k);
            // The last 50 job keys are enough to recognise a redelivery.
            unit.links.done = [...new Set([...(unit.links.done ?? []), ...keys])].slice(-50);
            delete unit.links.lastError;
            unit.dirty = true;
          } else if (unit.error) {
            const attempts = Math.max(0, ...unit.jobs.map((j) => j.attempt ?? 0)) + 1;
            unit.links.lastError = {
              message: `${unit.error.kind}${unit.error.status ? ` ${unit.error.status}` : ''}: ${unit.error.message.slice(0, 200)}`,
              at: nowIso(),
              attempts,
            };
            unit.dirty = true;
          }
          if (unit.dirty && unit.locks.includes(`lead:${unit.leadId}`)) {
            await deps.store.save(unit.links).catch((error) => {
              if (unit.status === 'synced') fail(unit, error);
            });
          }
        }),
    );
  } finally {
    await Promise.all(
      units.flatMap((u) => u.locks.map((key) => deps.store.unlock(key).catch(() => undefined))),
    );
  }

  return units.map((unit) => ({
    leadId: unit.leadId,
    trigger: triggerOf(unit),
    status: unit.status ?? 'failed',
    ...(unit.reason ? { reason: unit.reason } : {}),
    ...(unit.error ? { error: unit.error } : {}),
    created: unit.created,
    links: unit.links,
  }));
};

/** A job's identity: the trigger and the version of the lead it saw (undefined: always run). */
export const jobKey = (job: CrmJob, view: CrmLeadView): string | undefined => {
  switch (job.trigger) {
    case 'routed':
    case 'rescored':
      return view.score
        ? `${job.trigger}@${view.score.scoredAt}|${view.rationale?.writtenAt ?? ''}|${view.route?.ownerId ?? ''}`
        : undefined;
    case 'email_sent':
      return view.draft?.send?.messageId ? `email_sent@${view.draft.send.messageId}` : undefined;
    case 'outcome':
      return job.outcome ? `outcome@${job.outcome.id}` : undefined;
  }
};

/** Calls a batch operation; a thrown error (the whole call failed) becomes that error for every item. */
const callBatch = async <I extends { key: string }, T>(
  inputs: I[],
  call: (inputs: I[]) => Promise<Map<string, ItemResult<T>>>,
): Promise<Map<string, ItemResult<T>>> => {
  let results: Map<string, ItemResult<T>>;
  try {
    results = await call(inputs);
  } catch (error) {
    const crmError =
      error instanceof CrmError
        ? error
        : new CrmError(error instanceof Error ? error.message : 'unknown', 'unavailable');
    results = new Map();
    for (const input of inputs) results.set(input.key, { ok: false, error: crmError });
  }
  for (const input of inputs) {
    if (!results.has(input.key))
      results.set(input.key, { ok: false, error: new CrmError('no result for item', 'unavailable') });
  }
  return results;
};

const ownerFor = (view: CrmLeadView, mapping: CrmMapping, kind: CrmKind): string | undefined => {
  const id = view.route?.kind === 'owner' ? view.route.ownerId : undefined;
  if (!id) return undefined;
  const value = kind === 'hubspot' ? mapping.hubspot?.owners[id] : mapping.pipedrive?.owners[id];
  return value === undefined ? undefined : String(value);
};

const companyProps = (view: CrmLeadView, mapping: CrmMapping, kind: CrmKind): CrmProps =>
  kind === 'hubspot'
    ? mapProperties(view, mapping.hubspot?.properties.company ?? {})
    : mapProperties(view, mapping.pipedrive?.fields.organization ?? {});

/** An outcome this CRM reported (source `hubspot` or `crm:hubspot`): never pushed back to it. */
const fromThisCrm = (outcome: OutboundOutcome, kind: CrmKind) =>
  outcome.source === kind || outcome.source === `crm:${kind}`;

const pendingOutcomes = (unit: Unit, kind: CrmKind): OutboundOutcome[] =>
  unit.jobs.flatMap((j) =>
    j.trigger === 'outcome' &&
    j.outcome &&
    !fromThisCrm(j.outcome, kind) &&
    !unit.links.outcomes?.includes(j.outcome.id)
      ? [j.outcome]
      : [],
  );

const contactProps = (unit: Unit, mapping: CrmMapping, kind: CrmKind): CrmProps => {
  const view = unit.view;
  if (kind === 'pipedrive') return mapProperties(view, mapping.pipedrive?.fields.person ?? {});
  const h = mapping.hubspot;
  const props: CrmProps = mapProperties(view, h?.properties.contact ?? {});
  const routeKind = view.route?.kind;
  if (hasTrigger(unit, 'routed', 'rescored') && routeKind) {
    const stage = h?.contact.lifecycleStageByRoute[routeKind];
    if (stage) props.lifecyclestage = stage;
    const status = h?.contact.leadStatusByRoute[routeKind];
    if (status && !unit.links.activities[`email:${view.draft?.send?.messageId}`])
      props.hs_lead_status = status;
  }
  if (hasTrigger(unit, 'email_sent') && h?.contact.leadStatusOnEmailSent)
    props.hs_lead_status = h.contact.leadStatusOnEmailSent;
  const outcome = pendingOutcomes(unit, kind).at(-1);
  if (outcome) {
    const status = h?.contact.leadStatusByOutcome[outcome.outcome];
    if (status) props.hs_lead_status = status;
  }
  return props;
};

const recordInput = (
  unit: Unit,
  type: 'deal' | 'lead',
  outcome: OutboundOutcome | undefined,
  mapping: CrmMapping,
  kind: CrmKind,
  language: CrmMapping['language'],
): RecordInput | undefined => {
  const view = unit.view;
  const tier = view.score!.tier;
  const base = {
    key: unit.leadId,
    leadId: unit.leadId,
    type,
    title: recordTitle(view, language),
    ownerId: ownerFor(view, mapping, kind),
    contactId: unit.links.contactId,
    companyId: unit.links.companyId,
    knownId: unit.links.recordId,
  };
  const status = outcome?.outcome === 'won' || outcome?.outcome === 'lost' ? outcome.outcome : undefined;
  if (kind === 'hubspot') {
    const h = mapping.hubspot;
    if (!h) return undefined;
    const stage =
      (outcome && h.deal.stageByOutcome[outcome.outcome]) ??
      (unit.links.recordId ? undefined : h.deal.stageByTier[tier]);
    const properties: CrmProps = {
      ...mapProperties(view, h.properties.deal),
      [h.deal.leadIdProperty]: unit.leadId,
    };
    if (outcome?.outcome === 'lost' && outcome.reason)
      properties[h.inbound.lostReasonProperty] = outcome.reason;
    if (outcome?.value !== undefined) properties.amount = outcome.value;
    return {
      ...base,
      properties,
      pipeline: h.deal.pipeline,
      stage,
      status,
      lostReason: outcome?.outcome === 'lost' ? outcome.reason : undefined,
      value: outcome?.value,
      currency: h.deal.currency,
    };
  }
  const p = mapping.pipedrive;
  if (!p) return undefined;
  const stageId =
    type === 'deal'
      ? ((outcome && p.deal.stageByOutcome[outcome.outcome]) ??
        (unit.links.recordId ? undefined : p.deal.stageByTier[tier]))
      : undefined;
  return {
    ...base,
    properties: mapProperties(view, p.fields.deal),
    pipeline: type === 'deal' ? String(p.deal.pipelineId) : undefined,
    stage: stageId === undefined ? undefined : String(stageId),
    status: type === 'deal' ? status : undefined,
    lostReason: type === 'deal' && outcome?.outcome === 'lost' ? outcome.reason : undefined,
    value: outcome?.value,
    currency: p.deal.currency,
    labelIds: type === 'lead' ? p.lead.labelIds : undefined,
    // A record we reserved but never confirmed may exist already: the adapter searches by lead id first.
    ...(unit.links.recordPendingAt && !unit.links.recordId ? { mayExist: true } : {}),
  };
};

/** The activities the unit's triggers ask for, with their idempotency keys. */
const plannedActivities = (
  unit: Unit,
  deps: CrmSyncDeps,
  kind: CrmKind,
  language: CrmMapping['language'],
): ActivityInput[] => {
  const view = unit.view;
  const links = {
    contactId: unit.links.contactId,
    companyId: unit.links.companyId,
    recordId: unit.links.recordId,
    recordType: unit.links.recordType,
  };
  if (!links.contactId && !links.recordId && !links.companyId) return [];
  const owner = ownerFor(view, deps.mapping, kind);
  const ownerName = view.route?.ownerId ? deps.personName?.(view.route.ownerId) : undefined;
  const out: ActivityInput[] = [];
  const markerOf = (key: string) => `${unit.leadId}/${key}`;
  if (hasTrigger(unit, 'routed', 'rescored') && view.score) {
    const key = `note:${view.score.scoredAt}:${view.rationale?.writtenAt ?? 'none'}`;
    out.push({
      key,
      kind: 'note',
      marker: markerOf(key),
      at: view.rationale?.writtenAt ?? view.score.scoredAt,
      body: scoreNote(view, { language, ownerName, marker: markerOf(key) }),
      ownerId: owner,
      links,
    });
  }
  const route = view.route;
  if (hasTrigger(unit, 'routed', 'rescored') && route?.kind === 'owner' && route.ownerId) {
    const key = `task:${route.ownerId}:${route.slaDueAt ?? 'none'}`;
    out.push({
      key,
      kind: 'task',
      marker: markerOf(key),
      at: route.slaDueAt ?? route.assignedAt,
      subject: taskSubject(view, language),
      body: taskBody(view, { language, ownerName, marker: markerOf(key) }),
      ownerId: owner,
      priority: taskPriority(view.score?.tier),
      links,
    });
  }
  const draft = view.draft;
  if (
    hasTrigger(unit, 'email_sent') &&
    draft?.status === 'sent' &&
    draft.send?.messageId &&
    view.person.email
  ) {
    const key = `email:${draft.send.messageId}`;
    const ownerId = route?.ownerId;
    out.push({
      key,
      kind: 'email',
      marker: markerOf(key),
      at: draft.send.sentAt ?? draft.send.startedAt,
      subject: draft.subject,
      body: `${draft.body}\n\n${markerLine(markerOf(key))}`,
      ownerId: owner,
      email: {
        from: deps.fromAddress ?? 'sales@example.com',
        fromName: ownerId ? deps.personName?.(ownerId) : undefined,
        to: view.person.email,
      },
      links,
    });
  }
  return out;
};
