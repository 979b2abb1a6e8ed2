import { describe, expect, it } from 'vitest';
import type { FormType, Language } from '../lead';
import { sampleInput } from '../testing/samples';
import { REQUEST_CATEGORIES, requestCategory } from './request';
import { templateEmail } from './template';

const SELLER = { name: 'Example Leads', product: 'Example Lead Agent' };

const input = (message: string, language: Language = 'nl', formType: FormType = 'contact') => {
  const base = sampleInput({ seller: SELLER }, language, formType);
  return { ...base, lead: { ...base.lead, message } };
};

describe('drafts answer what the prospect asked', () => {
  it.each([
    ['Kunnen jullie mij de prijzen sturen voor 20 gebruikers?', 'nl', 'pricing', 'Uw vraag over prijzen'],
    ['Does it support SSO with Okta?', 'en', 'sso_question', 'Your question about single sign-on'],
    ['Is er een koppeling met Exact Online?', 'nl', 'integration_question', 'Uw vraag over koppelingen'],
    ['Kunnen jullie me terugbellen?', 'nl', 'call', 'Uw verzoek om een gesprek'],
    ['We would like to see a demo next week.', 'en', 'demo', 'Your demo request'],
    ['Ik heb een vraag over jullie aanpak.', 'nl', 'contact', 'Uw bericht'],
  ] as const)('%s → %s', (message, language, category, subject) => {
    // Prepare
    const draftInput = input(message, language);
    // Act
    const email = templateEmail(draftInput);
    // Assess
    expect(requestCategory(draftInput.lead)).toBe(category);
    expect(email.subject).toBe(subject);
    if (category !== 'demo') expect(`${email.subject} ${email.body}`.toLowerCase()).not.toContain('demo');
  });

  it('names our company or product from config, and a demo form stays a demo whatever the message says', () => {
    // Prepare
    const demoForm = input('Wat kost het?', 'nl', 'demo_request');
    // Act
    const demo = templateEmail(demoForm);
    const contact = templateEmail(input('Hallo, ik heb een vraag.', 'en'));
    // Assess
    expect(demo.subject).toBe('Uw demo-aanvraag');
    expect(demo.body).toContain('Example Lead Agent');
    expect(contact.body).toContain('Thank you for your message to Example Leads.');
  });

  it('Dutch drafts address the prospect with "u" in every category, never "je" or "jij"', () => {
    // Prepare
    const messages: Record<string, string> = {
      demo: 'Graag een demo.',
      pricing: 'Wat kost het?',
      trial: 'Kan ik het uitproberen?',
      sso_question: 'Ondersteunen jullie SSO?',
      integration_question: 'Is er een API?',
      call: 'Bel me even.',
      information: 'Graag meer informatie.',
      contact: 'Hallo.',
    };
    for (const category of REQUEST_CATEGORIES) {
      const formType: FormType =
        category === 'download' ? 'download' : category === 'newsletter' ? 'newsletter' : 'contact';
      const draftInput = input(messages[category] ?? '', 'nl', formType);
      // Act
      const { subject, body } = templateEmail(draftInput);
      // Assess
      expect(requestCategory(draftInput.lead)).toBe(category);
      expect(`${subject}\n${body}`).not.toMatch(/\b(je|jij|jou|jouw|jullie)\b/i);
      expect(`${subject}\n${body}`).toMatch(/\b(u|uw)\b/);
    }
  });
});
