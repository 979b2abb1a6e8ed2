/**
 * The privacy notice every first email carries (GDPR art. 13/14 and 21), appended by the send step so no
 * edit of the draft can remove it, and the one-click unsubscribe headers (RFC 2369 / RFC 8058) that go with
 * it. In the lead's language, from config/privacy.yaml. Pure.
 */
import type { Language } from '../lead';
import type { LeadRecord } from '../lead-record';
import type { OutgoingMail } from '../ports';
import { linkFor } from './links';
import type { Bilingual, PrivacyPolicy } from './policy';

export interface PrivacyLinkSettings {
  readonly policy: PrivacyPolicy;
  /** PRIVACY_SECRET: signs the links. */
  readonly secret: string;
  /** The public API base URL, without a trailing slash. */
  readonly baseUrl: string;
}

/** The prospect's links: the privacy page (rights), the objection page and the one-click unsubscribe. */
export const privacyLinks = (settings: PrivacyLinkSettings, leadId: string, now: Date) => {
  const token = linkFor(settings.secret, leadId, now, settings.policy.linkValidityDays);
  const base = settings.baseUrl.replace(/\/+$/, '');
  const q = `t=${encodeURIComponent(token)}`;
  return {
    token,
    page: `${base}/privacy?${q}`,
    object: `${base}/privacy/object?${q}`,
    unsubscribe: `${base}/privacy/unsubscribe?${q}`,
  };
};

const fill = (text: string, values: Readonly<Record<string, string>>) =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);

/** Which third-party sources enrichment used (art. 14(2)(f)), as names in `language`. */
export const thirdPartySources = (
  record: LeadRecord,
  policy: PrivacyPolicy,
  language: Language,
): string[] => {
  const names = policy.notice.sourceNames;
  const out: Bilingual[] = [];
  const registry = record.enrichment?.registry;
  if (registry) out.push(registry.source === 'kvk' ? names.kvk : names.directory);
  if (record.enrichment?.website) out.push(names.website);
  return out.map((n) => n[language]);
};

export interface Notice {
  /** Plain text, appended below the draft's signature. */
  readonly text: string;
  readonly headers: NonNullable<OutgoingMail['headers']>;
  readonly noticeVersion: string;
}

export const privacyNotice = (record: LeadRecord, settings: PrivacyLinkSettings, now: Date): Notice => {
  const { policy } = settings;
  const language: Language = record.draft?.language ?? record.lead.language;
  const links = privacyLinks(settings, record.leadId, now);
  const purpose = policy.purposes[0]!.description[language];
  const sources = thirdPartySources(record, policy, language);
  const values = {
    controller: policy.controller.name,
    purpose,
    sources: sources.join(language === 'nl' ? ' en ' : ' and '),
    contact: policy.controller.privacyContact,
    policy: policy.controller.privacyPolicyUrl,
  };
  const lines = [
    '--',
    fill(policy.notice.intro[language], values),
    ...(sources.length ? [fill(policy.notice.sources[language], values)] : []),
    '',
    fill(policy.notice.objection[language], { ...values, link: links.object }),
    '',
    fill(policy.notice.rights[language], { ...values, link: links.page }),
  ];
  return {
    text: lines.join('\n'),
    headers: [
      {
        name: 'List-Unsubscribe',
        value: `<${links.unsubscribe}>, <mailto:${policy.controller.privacyContact}?subject=unsubscribe>`,
      },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
    noticeVersion: policy.noticeVersion,
  };
};
