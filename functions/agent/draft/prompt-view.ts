/**
 * Builds the chat messages for the rationale-and-draft prompt. Trusted facts (ledger, score, route, rep,
 * structured enrichment) and untrusted lead text (message, answers, names, company name, scraped website
 * text) go into separate, labelled blocks; the untrusted block is neutralised so it cannot close its tag.
 */
import type { Language } from '../lead';
import { AXES } from '../qualification';
import { type PromptTemplates, renderPrompt } from './prompts';
import { firstContactText, LINE_LABELS } from './rationale-lines';
import { requestCategory } from './request';
import { signature } from './template';
import { neutraliseUntrusted, round1 } from './text';
import { axisSummary, enrichmentFacts, missingBant, QUADRANT_LABEL, TIER_LABEL } from './trusted-facts';
import type { AllowList, DraftingInput } from './types';

const LANGUAGE_NAME: Record<Language, string> = { en: 'English', nl: 'Dutch' };

function prune(value: unknown): unknown {
  if (typeof value === 'string') return value.trim() ? neutraliseUntrusted(value, 2_000) : undefined;
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p !== undefined) out[neutraliseUntrusted(k, 200)] = p;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value ?? undefined;
}

/** The untrusted block's size cap: what one lead can add to a prompt (and to its cost) is bounded. */
export const MAX_UNTRUSTED_CHARS = 12_000;

/** Everything the lead (or their website) wrote, as one labelled JSON object, at most `MAX_UNTRUSTED_CHARS`. */
export function untrustedLeadData(input: DraftingInput): string {
  const { lead, enrichment } = input;
  const data = {
    person: {
      firstName: lead.person.firstName,
      lastName: lead.person.lastName,
      fullName: lead.person.fullName,
      jobTitle: lead.person.jobTitle,
    },
    company: {
      name: lead.company.name,
      website: lead.company.website,
      employeesStated: lead.company.employeesRaw,
    },
    formName: lead.source.formName,
    message: lead.message,
    answers: lead.qualifying,
    extraAnswers: lead.extra,
    websiteText: enrichment.website
      ? {
          title: enrichment.website.title,
          name: enrichment.website.name,
          description: enrichment.website.description,
        }
      : undefined,
    registryNames: enrichment.registry
      ? { legalName: enrichment.registry.legalName, tradeNames: enrichment.registry.tradeNames }
      : undefined,
    intentSignalDetails: enrichment.intent?.signals.map((s) => `${s.type}: ${s.detail}`),
  };
  const json = JSON.stringify(prune(data) ?? {}, null, 2);
  return json.length > MAX_UNTRUSTED_CHARS ? `${json.slice(0, MAX_UNTRUSTED_CHARS)}\n…(truncated)` : json;
}

function routeLine(input: DraftingInput): string {
  const { route, rep } = input;
  const parts = [
    route.kind === 'nurture'
      ? 'nurture sequence (no rep)'
      : `owner ${rep?.name ?? route.ownerId ?? 'unassigned'}`,
    route.team ? `team ${route.team}` : undefined,
    `rule ${route.ruleId}: ${route.reason}`,
    route.slaDueAt ? `first contact due ${route.slaDueAt}` : undefined,
  ];
  return parts.filter(Boolean).join('; ');
}

export interface ChatMessages {
  system: string;
  user: string;
}

export function buildMessages(
  input: DraftingInput,
  allowList: AllowList,
  templates: PromptTemplates,
): ChatMessages {
  const rationaleLanguage = input.rationaleLanguage ?? 'en';
  const { score } = input;
  const missing = missingBant(score);
  const view = {
    minSentences: 3,
    maxSentences: 5,
    lineLabels: LINE_LABELS[rationaleLanguage],
    firstContact: firstContactText(input, rationaleLanguage),
    wantsEmail: input.wantsEmail,
    rationaleLanguageName: LANGUAGE_NAME[rationaleLanguage],
    emailLanguageName: LANGUAGE_NAME[input.lead.language],
    tier: TIER_LABEL.en[score.tier],
    total: round1(score.total),
    quadrant: QUADRANT_LABEL.en[score.quadrant],
    axes: AXES.map((a) => ({ summary: axisSummary(score, a, 'en') })),
    missingBant: missing.length > 0 ? missing.join(', ') : 'none',
    facts: enrichmentFacts(input.enrichment, input.lead, 'en').join('; '),
    routeLine: routeLine(input),
    allowedLinks: [...allowList.urls, ...allowList.emails],
    formType: input.lead.formType,
    requestCategory: requestCategory(input.lead).replace('_', ' '),
    sellerName: input.seller?.name ?? 'our company',
    productName: input.seller?.product ?? 'our product',
    signature: signature(input),
    untrustedJson: untrustedLeadData(input),
  };
  return { system: renderPrompt(templates.system, view), user: renderPrompt(templates.user, view) };
}
