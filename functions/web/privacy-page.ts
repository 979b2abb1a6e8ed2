/**
 * The prospect's privacy page (Dutch or English): who we are and why we process their data, the explanation
 * of the automated assessment with its counterfactuals, and a button per right (object, ask for a person's
 * review, erase). Plain server-rendered HTML with forms that POST back with the same signed link; no script.
 */
import type { Language } from '../agent/lead';
import type { PrivacyPageView } from '../agent/privacy/rights';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const T = {
  nl: {
    title: 'Uw gegevens en uw rechten',
    who: 'Wie wij zijn',
    why: 'Waarom wij uw gegevens gebruiken',
    basis: {
      consent: 'toestemming',
      legitimate_interest: 'gerechtvaardigd belang',
      contract: 'overeenkomst',
    },
    basisLabel: 'Grondslag',
    assessment: 'Hoe wij uw aanvraag beoordeelden',
    data: 'Gebruikte gegevens',
    factors: 'Wat meetelde',
    whatIf: 'Wat de uitkomst had veranderd',
    object: 'Bezwaar maken tegen direct marketing en profilering',
    objectText: 'Wij sturen u dan geen berichten meer en beoordelen u niet meer automatisch.',
    objectButton: 'Ik maak bezwaar',
    objected:
      'U heeft bezwaar gemaakt. Wij sturen u geen berichten meer en beoordelen u niet meer automatisch.',
    review: 'Beoordeling door een mens',
    reviewButton: 'Laat een medewerker mijn aanvraag beoordelen',
    reviewed: 'Uw verzoek om beoordeling door een medewerker is vastgelegd.',
    erase: 'Mijn gegevens verwijderen',
    eraseText:
      'Wij verwijderen alles wat wij over u bewaren; alleen een onomkeerbare code blijft om u nooit meer te mailen.',
    eraseButton: 'Verwijder mijn gegevens',
    contact: 'Vragen? Schrijf naar',
    other: 'English',
  },
  en: {
    title: 'Your data and your rights',
    who: 'Who we are',
    why: 'Why we use your data',
    basis: { consent: 'consent', legitimate_interest: 'legitimate interest', contract: 'contract' },
    basisLabel: 'Lawful basis',
    assessment: 'How we assessed your enquiry',
    data: 'Data used',
    factors: 'What counted',
    whatIf: 'What would have changed the result',
    object: 'Object to direct marketing and profiling',
    objectText: 'We then stop sending you messages and stop assessing you automatically.',
    objectButton: 'I object',
    objected: 'You objected. We send you no more messages and no longer assess you automatically.',
    review: 'Review by a person',
    reviewButton: 'Have a person review my enquiry',
    reviewed: 'Your request for review by a person has been recorded.',
    erase: 'Erase my data',
    eraseText:
      'We erase everything we hold about you; only an irreversible code remains so we never mail you again.',
    eraseButton: 'Erase my data',
    contact: 'Questions? Write to',
    other: 'Nederlands',
  },
} as const;

const form = (action: string, token: string, label: string) =>
  `<form method="post" action="${esc(action)}?t=${encodeURIComponent(token)}"><button type="submit">${esc(label)}</button></form>`;

export const renderPrivacyPage = (view: PrivacyPageView, token: string, notice?: string): string => {
  const t = T[view.language];
  const e = view.explanation;
  const other: Language = view.language === 'nl' ? 'en' : 'nl';
  const list = (items: readonly string[]) => `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
  const basis = (t.basis as Record<string, string>)[view.basis] ?? view.basis;
  return `<!doctype html>
<html lang="${view.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(t.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}
section{border-top:1px solid #ddd;padding:.5rem 0}button{font:inherit;padding:.4rem .9rem;cursor:pointer}
.notice{background:#eef6ee;padding:.6rem;border-radius:4px}</style></head><body>
<p><a href="?t=${encodeURIComponent(token)}&amp;lang=${other}">${t.other}</a></p>
<h1>${esc(t.title)}</h1>
${notice ? `<p class="notice" role="status">${esc(notice)}</p>` : ''}
<section><h2>${esc(t.who)}</h2><p>${esc(view.controller.name)}, ${esc(view.controller.address)}</p></section>
<section><h2>${esc(t.why)}</h2>${list(view.purposes)}<p>${esc(t.basisLabel)}: ${esc(basis)}</p></section>
<section><h2>${esc(t.assessment)}</h2><p>${esc(e.summary)}</p>
${e.dataUsed.length ? `<h3>${esc(t.data)}</h3>${list(e.dataUsed)}` : ''}
${e.factors.length ? `<h3>${esc(t.factors)}</h3>${list(e.factors.map((f) => `${f.reason} (${f.axis}): ${f.points > 0 ? '+' : ''}${f.points}`))}` : ''}
${e.counterfactuals.length ? `<h3>${esc(t.whatIf)}</h3>${list(e.counterfactuals.map((c) => c.sentence))}` : ''}
<p>${esc(e.humanReview)}</p></section>
<section id="object"><h2>${esc(t.object)}</h2>${view.objected ? `<p>${esc(t.objected)}</p>` : `<p>${esc(t.objectText)}</p>${form('/privacy/object', token, t.objectButton)}`}</section>
<section id="review"><h2>${esc(t.review)}</h2>${view.reviewRequested ? `<p>${esc(t.reviewed)}</p>` : form('/privacy/review', token, t.reviewButton)}</section>
<section id="erase"><h2>${esc(t.erase)}</h2><p>${esc(t.eraseText)}</p>${form('/privacy/erase-me', token, t.eraseButton)}</section>
<p>${esc(t.contact)} <a href="mailto:${esc(view.controller.privacyContact)}">${esc(view.controller.privacyContact)}</a> · <a href="${esc(view.controller.privacyPolicyUrl)}">${esc(view.controller.privacyPolicyUrl)}</a></p>
</body></html>`;
};

/** A short page after an action whose lead may be gone (erasure). */
export const renderDonePage = (language: Language, text: string): string =>
  `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${esc(
    T[language].title,
  )}</title></head><body style="font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto"><h1>${esc(
    T[language].title,
  )}</h1><p role="status">${esc(text)}</p></body></html>`;
