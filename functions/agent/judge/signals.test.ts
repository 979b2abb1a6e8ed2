import { describe, expect, it } from 'vitest';
import { makeEnrichment, makeLead } from '../testing/score-fixtures';
import { industryFromText, readLead, seniorityOf } from './read-lead';
import { extractSignals, type Signal } from './signals';

// Wednesday 3 December 2025, in Q4.
const NOW = new Date('2025-12-03T10:00:00Z');
const of = (signals: Signal[], kind: Signal['kind']) => signals.filter((s) => s.kind === kind);

describe('extractSignals: what the prospect wrote, NL and EN', () => {
  it('reads an approved budget, this quarter and a demo from one Dutch sentence, each with its quote', () => {
    // Prepare
    const text = 'Het budget is goedgekeurd en we willen dit kwartaal nog een demo zien.';
    // Act
    const signals = extractSignals(text, 'message', NOW);
    // Assess
    expect(of(signals, 'budget')).toEqual([
      {
        kind: 'budget',
        value: 'approved',
        quote: 'Het budget is goedgekeurd en we willen dit kwartaal nog een demo zien',
        source: 'message',
      },
    ]);
    expect(of(signals, 'timeline')[0]).toMatchObject({ value: 0 });
    expect(of(signals, 'action').map((s) => s.value)).toEqual(['demo']);
    for (const signal of signals) expect(text).toContain(signal.quote);
  });

  it.each([
    ['We kunnen per direct starten', 0],
    ['Graag binnen een maand live', 1],
    ['We want this live within two months', 2],
    ['Het moet voor januari draaien', 1],
    ['Planning: Q1', 1],
    ['We are aiming for next quarter', 3],
    ['Implementation this quarter please', 0],
  ])('timeline: %s → %s months', (text, months) => {
    // Act
    const [timeline] = of(extractSignals(text, 'message', NOW), 'timeline');
    // Assess
    expect(timeline).toMatchObject({ value: months });
  });

  it('reads budget ranges and reserved budgets, and ignores a budget that is not there', () => {
    // Act
    const range = of(extractSignals('Our budget is €20k-30k per year.', 'message', NOW), 'budget');
    const reserved = of(extractSignals('Er is budget vrijgemaakt voor 2026.', 'message', NOW), 'budget');
    const none = of(extractSignals('We hebben nog geen budget, eerst oriënteren.', 'message', NOW), 'budget');
    // Assess
    expect(range[0]).toMatchObject({ value: 'range' });
    expect(reserved[0]).toMatchObject({ value: 'reserved' });
    expect(none).toEqual([]);
  });

  it('a tool counts as in use only when the sentence says so', () => {
    // Act
    const inUse = of(extractSignals('We use HubSpot now, but it is a mess.', 'message', NOW), 'tool');
    const nl = of(extractSignals('Wij werken momenteel met Salesforce.', 'message', NOW), 'tool');
    const asked = of(extractSignals('Do you integrate with Salesforce?', 'message', NOW), 'tool');
    // Assess
    expect(inUse).toMatchObject([
      { value: 'hubspot', category: 'crm', quote: 'We use HubSpot now, but it is a mess' },
    ]);
    expect(nl).toMatchObject([{ value: 'salesforce' }]);
    expect(asked).toEqual([]);
  });

  it('reads stage, team size, requested actions and questions; a negated demo is no request', () => {
    // Act
    const signals = extractSignals(
      'We are evaluating tools for our 40 reps. Could you send pricing? Does it support SSO with Okta?',
      'message',
      NOW,
    );
    const noDemo = extractSignals('Geen demo nodig, stuur maar een offerte.', 'message', NOW);
    // Assess
    expect(of(signals, 'stage')).toMatchObject([{ value: 'evaluating' }]);
    expect(of(signals, 'teamSize')).toMatchObject([{ value: 40 }]);
    expect(of(signals, 'action').map((s) => s.value)).toEqual(['pricing']);
    expect(of(signals, 'question').map((s) => s.value)).toContain('sso');
    expect(of(noDemo, 'action').map((s) => s.value)).toEqual(['pricing']);
  });
});

describe('readLead: self-reported form fields', () => {
  it('maps free-text industry and job titles, NL and EN', () => {
    // Assess
    expect(industryFromText('Transport en logistiek')).toBe('logistics');
    expect(industryFromText('Logistics & supply chain')).toBe('logistics');
    expect(industryFromText('Webshop')).toBe('ecommerce');
    expect(seniorityOf('Directeur Operations')).toBe('vp_director');
    expect(seniorityOf('DGA')).toBe('executive');
    expect(seniorityOf('Head of Sales')).toBe('head_manager');
    expect(seniorityOf('VP Sales Operations')).toBe('vp_director');
    expect(seniorityOf('Marketing assistent')).toBe('staff');
  });

  it('keeps the source and the quote of each reading; the form answer stands over the message', () => {
    // Prepare
    const lead = makeLead({
      company: {
        name: 'Van Dijk Transport',
        industry: 'Transport en logistiek',
        employees: 51,
        employeesRaw: '51-200',
      },
      message: 'We gebruiken nu HubSpot en willen binnen een maand starten.',
      qualifying: { timeline: 'Q1', currentTools: 'Pipedrive' },
    });
    // Act
    const reading = readLead(lead, NOW);
    // Assess
    expect(reading.industry).toBe('logistics');
    expect(reading.evidence.industry).toEqual({ source: 'form', quote: 'Transport en logistiek' });
    expect(reading.timelineMonths).toBe(1);
    expect(reading.evidence.timeline).toMatchObject({ source: 'form', quote: 'Q1' });
    expect(reading.tools.map((tool) => tool.name)).toEqual(['pipedrive', 'hubspot']);
    expect(makeEnrichment().registry).toBeNull();
  });
});
