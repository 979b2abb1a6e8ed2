import { describe, expect, it } from 'vitest';
import { shippedRules } from '../../platform/shipped-rules';
import { scoreEnrichedLead } from '../score';
import { makeEnrichment, makeLead } from '../testing/score-fixtures';

const RULES = shippedRules();
// Tuesday 10:15 in Amsterdam.
const AT = '2025-12-02T09:15:00Z';
const NOW = new Date('2025-12-02T09:16:00Z');

describe('the shipped rules read the lead like a salesperson', () => {
  it('a Dutch operations director at a 60-person logistics firm with approved budget and a demo this quarter is hot', () => {
    // Prepare
    const lead = makeLead({
      person: { firstName: 'Petra', email: 'petra@vandijk-transport.nl', jobTitle: 'Directeur Operations' },
      company: {
        name: 'Van Dijk Transport',
        industry: 'Transport en logistiek',
        employees: 60,
        employeesRaw: '60',
        country: 'NL',
      },
      message: 'Het budget is goedgekeurd en we willen dit kwartaal nog een demo zien.',
      formType: 'contact',
      submittedAt: AT,
      activities: [{ type: 'form_submission', at: AT }],
    });
    // Act
    const score = scoreEnrichedLead(lead, makeEnrichment(), RULES, NOW);
    // Assess
    expect(score.tier).toBe('hot');
    expect(score.quadrant).toBe('act_now');
    const line = (id: string) => score.ledger.find((entry) => entry.ruleId === id);
    expect(line('budget-approved')).toMatchObject({
      fired: true,
      awarded: 10,
      evidence: { source: 'message', quote: expect.stringContaining('Het budget is goedgekeurd') },
    });
    expect(line('industry-target')).toMatchObject({
      fired: true,
      evidence: { source: 'form', quote: 'Transport en logistiek' },
    });
    expect(line('demo-request')).toMatchObject({ fired: true, evidence: { source: 'message' } });
    expect(line('timeline-3-months')).toMatchObject({ fired: true, evidence: { source: 'message' } });
  });

  it('"We use HubSpot now" in the message fires "already uses a CRM", quoting it', () => {
    // Prepare
    const lead = makeLead({ message: 'We use HubSpot now but leads slip through.', submittedAt: AT });
    // Act
    const score = scoreEnrichedLead(lead, makeEnrichment({ website: null }), RULES, NOW);
    // Assess
    expect(score.ledger.find((entry) => entry.ruleId === 'uses-crm')).toMatchObject({
      fired: true,
      evidence: { source: 'message', quote: 'We use HubSpot now but leads slip through' },
    });
  });

  it('a VP Sales Operations of a 2,400-person logistics group evaluating tools for 40 reps is not cold', () => {
    // Prepare
    const lead = makeLead({
      person: { email: 'j.weber@nordfracht-gruppe.de', jobTitle: 'VP Sales Operations' },
      company: {
        name: 'Nordfracht Gruppe',
        industry: 'Logistics',
        employees: 2400,
        employeesRaw: '2,400',
        country: 'DE',
      },
      message: 'We are evaluating lead routing tools for our 40 reps across Europe.',
      language: 'en',
      submittedAt: AT,
    });
    // Act
    const score = scoreEnrichedLead(lead, makeEnrichment(), RULES, NOW);
    // Assess
    expect(score.tier).not.toBe('cold');
    const fired = score.ledger.filter((entry) => entry.fired).map((entry) => entry.ruleId);
    expect(fired).toEqual(
      expect.arrayContaining([
        'employees-enterprise',
        'industry-target',
        'buying-stage',
        'sales-team-5-plus',
      ]),
    );
  });
});
