/**
 * Reads a lead the way a salesperson does: what the prospect told us in the form's fields (industry, size,
 * role, budget, timeline, tools, in Dutch or English free text) and in the message, each statement kept with
 * where it came from and the words it was read from. The scoring facts take their values from here; only the
 * rules award points. Pure: `now` is passed in.
 *
 * Precedence where sources disagree (documented in the README):
 *   firmographics (industry, size, country): registry > form > website > message;
 *   intent (budget, timeline, stage, need, requested action, team size): form > message.
 */
import type { Industry } from '../enrichment';
import type { Lead } from '../lead';
import {
  type BudgetStatus,
  type BuyingStage,
  extractSignals,
  type FactSource,
  type QuestionTopic,
  type RequestedAction,
  type Signal,
  type ToolCategory,
} from './signals';

/** Where a fact's value came from, and the words that say so. */
export interface Evidence {
  /** Beside the lead's own words: an engagement event, an account signal, or a job posting. */
  readonly source: FactSource | 'event' | 'signal' | 'jobs';
  /** The verbatim words from the message or the form field (or the event's, signal's or posting's detail). */
  readonly quote?: string;
  /** When the event or signal happened, or the posting was published. */
  readonly at?: string;
  /** Where it was read: the job posting's or the signal's page. */
  readonly url?: string;
}

export type Seniority = 'executive' | 'vp_director' | 'head_manager' | 'staff';

export interface LeadReading {
  readonly budget: BudgetStatus | null;
  readonly timelineMonths: number | null;
  readonly stage: BuyingStage | null;
  readonly need: boolean;
  readonly teamSize: number | null;
  readonly tools: ReadonlyArray<{ name: string; category: ToolCategory }>;
  /** What the prospect asked for, strongest first (demo, trial, pricing, call, information). */
  readonly actions: readonly RequestedAction[];
  readonly questions: readonly QuestionTopic[];
  readonly industry: Industry | null;
  readonly seniority: Seniority | null;
  /** Evidence per reading (`budget`, `timeline`, `crm`, `industry`, …). */
  readonly evidence: Readonly<Record<string, Evidence>>;
  /** Every signal, as read, for the rep and the evaluation. */
  readonly signals: readonly Signal[];
}

/** Industry keywords in Dutch and English, checked in order (the first that matches decides). */
export const INDUSTRY_KEYWORDS: ReadonlyArray<[Industry, RegExp]> = [
  [
    'saas',
    /\b(saas|software[- ]as[- ]a[- ]service|cloud[- ]?(platform|software)|subscription software|b2b software)\b/i,
  ],
  [
    'ecommerce',
    /\b(e-?commerce|webshop|web shop|online shop|onlinewinkel|online winkel|webwinkel|online retail)\b/i,
  ],
  [
    'logistics',
    /\b(logisti(ek|cs|que|k)|transport\w*|warehous\w*|fulfil?ment|expeditie|freight|shipping|vervoer|supply chain|distributiecentrum|verhuis\w*|koeriers?|courier)\b/i,
  ],
  ['software', /\b(software|app development|softwareontwikkeling|it[- ]services|ict)\b/i],
  [
    'manufacturing',
    /\b(manufactur\w*|productie|fabrikant|machinebouw|factory|fabriek|industrial|maakindustrie|industrie)\b/i,
  ],
  ['wholesale', /\b(wholesale|groothandel|distribut\w*)\b/i],
  ['finance', /\b(fintech|bank\w*|finance|financ\w+|insurance|verzekering\w*|accountan\w*)\b/i],
  ['healthcare', /\b(health\s?care|zorg\w*|medical|medisch|clinic|kliniek|pharma\w*)\b/i],
  ['education', /\b(education|onderwijs|school|university|universiteit|training|opleiding\w*)\b/i],
  ['government', /\b(government|overheid|gemeente|municipality|public sector|publieke sector)\b/i],
  ['consulting', /\b(consult\w*|advies\w*|adviseur\w*)\b/i],
  ['marketing', /\b(marketing|reclame|advertising|agency|bureau|communicatie)\b/i],
  ['construction', /\b(construction|bouw\w*|aannem\w*|installat\w*)\b/i],
  ['hospitality', /\b(hotel\w*|restaurant\w*|horeca|hospitality|catering)\b/i],
  ['retail', /\b(retail|winkel\w*|store)\b/i],
];

/** The industry a free text names ("Transport en logistiek" → logistics), or null. */
export function industryFromText(text: string | undefined): Industry | null {
  if (!text?.trim()) return null;
  for (const [industry, re] of INDUSTRY_KEYWORDS) if (re.test(text)) return industry;
  return null;
}

const SENIORITY: Array<[Seniority, RegExp]> = [
  [
    'executive',
    /\b(ceo|cto|cfo|coo|cmo|cio|cro|chief|founder|co-?founder|oprichter|owner|eigenaar|dga|algemeen directeur|managing director|general manager|president|bestuurder|bestuursvoorzitter|partner)\b/i,
  ],
  ['vp_director', /\b(vp|svp|evp|vice[- ]president|director|directeur|directrice)\b/i],
  ['head_manager', /\b(head of|hoofd|manager|teamleider|team lead|teamlead|lead|leidinggevende)\b/i],
];

/** A job title's seniority ("Directeur Operations" → vp_director, "DGA" → executive), null when unknown. */
export function seniorityOf(jobTitle: string | undefined): Seniority | null {
  if (!jobTitle?.trim()) return null;
  for (const [level, re] of SENIORITY) if (re.test(jobTitle)) return level;
  return 'staff';
}

const ACTION_ORDER: readonly RequestedAction[] = ['demo', 'trial', 'pricing', 'call', 'information'];
const BUDGET_ORDER: readonly BudgetStatus[] = ['approved', 'reserved', 'range', 'mentioned'];
const FORM_ACTION: Partial<Record<Lead['formType'], RequestedAction>> = {
  demo_request: 'demo',
  trial: 'trial',
  pricing: 'pricing',
};

/** Signals the LLM (or anyone else) proposed for the message, already checked against its words. */
export type ProposedSignals = readonly Signal[];

/**
 * Reads the lead: form fields first (self-reported, source `form`), then the message (source `message`),
 * then any `proposed` signals (checked elsewhere to quote the message verbatim).
 */
export function readLead(lead: Lead, now: Date, proposed: ProposedSignals = []): LeadReading {
  const q = lead.qualifying;
  const fromForm: Signal[] = [
    ...extractSignals(q.budget, 'form', now, ['budget']),
    ...extractSignals(q.timeline, 'form', now, ['timeline']),
    ...extractSignals(q.currentTools, 'form', now, ['tool']),
    ...extractSignals(q.need, 'form', now, ['stage', 'need', 'teamSize', 'tool', 'action', 'question']),
  ];
  const fromMessage = extractSignals(lead.message, 'message', now);
  const signals = [...fromForm, ...fromMessage, ...proposed];
  const evidence: Record<string, Evidence> = {};
  const note = (key: string, signal: Signal) => {
    if (!evidence[key]) evidence[key] = { source: signal.source, quote: signal.quote };
  };

  let budget: BudgetStatus | null = null;
  for (const status of BUDGET_ORDER) {
    const signal = signals.find((s) => s.kind === 'budget' && s.value === status);
    if (signal) {
      budget = status;
      note('budget', signal);
      break;
    }
  }

  // The form's own answer stands; the message fills in when the form said nothing (nearest date first).
  const timelineSignal =
    signals.find((s) => s.kind === 'timeline' && s.source === 'form') ??
    signals.filter((s) => s.kind === 'timeline').sort((a, b) => (a.value as number) - (b.value as number))[0];
  const timelineMonths = timelineSignal?.kind === 'timeline' ? timelineSignal.value : null;
  if (timelineSignal) note('timeline', timelineSignal);

  const stageSignal = signals.find((s) => s.kind === 'stage');
  if (stageSignal) note('stage', stageSignal);
  const needSignal = signals.find((s) => s.kind === 'need');
  if (needSignal) note('need', needSignal);
  const teamSignal = signals.find((s) => s.kind === 'teamSize');
  if (teamSignal) note('teamSize', teamSignal);

  const tools: Array<{ name: string; category: ToolCategory }> = [];
  for (const signal of signals) {
    if (signal.kind !== 'tool' || tools.some((tool) => tool.name === signal.value)) continue;
    tools.push({ name: signal.value, category: signal.category });
    note(signal.category, signal);
  }

  const asked = new Set<RequestedAction>();
  for (const signal of signals) {
    if (signal.kind !== 'action') continue;
    asked.add(signal.value);
    note(`action:${signal.value}`, signal);
  }
  const formAction = FORM_ACTION[lead.formType];
  if (formAction && !asked.has(formAction)) {
    asked.add(formAction);
    evidence[`action:${formAction}`] = { source: 'form', quote: lead.source.formName ?? lead.formType };
  }
  const actions = ACTION_ORDER.filter((action) => asked.has(action));
  if (actions[0]) evidence.action = evidence[`action:${actions[0]}`]!;

  const questions: QuestionTopic[] = [];
  for (const signal of signals) {
    if (signal.kind !== 'question' || questions.includes(signal.value)) continue;
    questions.push(signal.value);
    note(`question:${signal.value}`, signal);
  }

  const industry = industryFromText(lead.company.industry);
  if (industry) evidence.industry = { source: 'form', quote: lead.company.industry };
  const seniority = seniorityOf(lead.person.jobTitle);
  if (seniority) evidence.seniority = { source: 'form', quote: lead.person.jobTitle };

  return {
    budget,
    timelineMonths,
    stage: stageSignal?.kind === 'stage' ? stageSignal.value : null,
    need: needSignal !== undefined,
    teamSize: teamSignal?.kind === 'teamSize' ? teamSignal.value : null,
    tools,
    actions,
    questions,
    industry,
    seniority,
    evidence,
    signals,
  };
}
