/**
 * The `email` tool: what the address's domain says about the lead. Free-mail providers come from the
 * `email-providers` package, throwaway domains from `disposable-email-domains` (exact list + wildcard list),
 * role addresses from a short well-known list; MX presence via the injectable resolver (null when the
 * lookup fails or times out).
 *
 * The two big lists are not bundled: they ship as sorted text files generated from those packages
 * (scripts/update-email-domain-lists.ts; a unit test fails when they no longer match the installed
 * packages) and are read on the first lookup. The 6 KB wildcard list is imported as is.
 */
import disposableWildcards from 'disposable-email-domains/wildcard.json';
import * as z from 'zod';
import { type EmailFacts, EmailFactsSchema } from '../../enrichment';
import type { DnsResolver, EnrichTool } from '../types';
import { defaultDns } from './defaults';
import { lazyDomainList } from './domain-list';

/** The shipped domain lists (paths relative to the repository / bundle root) and the package file each comes from. */
export const EMAIL_DOMAIN_LISTS = {
  disposable: { file: 'data/disposable-email-domains.txt', source: 'disposable-email-domains/index.json' },
  freeMail: { file: 'data/free-mail-domains.txt', source: 'email-providers/all.json' },
} as const;

const FREE_MAIL = lazyDomainList(EMAIL_DOMAIN_LISTS.freeMail.file);
const DISPOSABLE = lazyDomainList(EMAIL_DOMAIN_LISTS.disposable.file);
const DISPOSABLE_WILDCARDS = disposableWildcards as string[];

/** Role (non-personal) mailbox names, Dutch and English. */
export const ROLE_LOCAL_PARTS = new Set([
  'info',
  'sales',
  'verkoop',
  'admin',
  'administratie',
  'contact',
  'hello',
  'hallo',
  'hi',
  'support',
  'office',
  'kantoor',
  'help',
  'helpdesk',
  'service',
  'klantenservice',
  'team',
  'mail',
  'post',
  'marketing',
  'hr',
  'jobs',
  'vacatures',
  'careers',
  'billing',
  'finance',
  'facturen',
  'invoice',
  'accounts',
  'noreply',
  'no-reply',
  'webmaster',
  'postmaster',
  'receptie',
  'reception',
  'enquiries',
  'inquiries',
  'general',
]);

function isDisposable(domain: string): boolean {
  if (DISPOSABLE.has(domain)) return true;
  return DISPOSABLE_WILDCARDS.some((w) => domain === w || domain.endsWith(`.${w}`));
}

function isFreeMail(domain: string): boolean {
  if (FREE_MAIL.has(domain)) return true;
  // Regional variants: mail.example.com style sub-domains of a provider.
  const parts = domain.split('.');
  for (let i = 1; i < parts.length - 1; i++) if (FREE_MAIL.has(parts.slice(i).join('.'))) return true;
  return false;
}

export function isRoleAddress(localPart: string): boolean {
  const base = localPart
    .toLowerCase()
    .split('+')[0]!
    .replace(/[._-]?\d+$/, '');
  return ROLE_LOCAL_PARTS.has(base);
}

const EmailInputSchema = z.object({ domain: z.string().min(1).max(253), roleAddress: z.boolean() });
export type EmailInput = z.infer<typeof EmailInputSchema>;

/** Split an address into the tool input; the local part itself is not kept. */
export function emailInput(email: string | undefined): EmailInput | undefined {
  if (!email) return undefined;
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) return undefined;
  const domain = email
    .slice(at + 1)
    .trim()
    .toLowerCase()
    .replace(/\.$/, '');
  if (!domain.includes('.')) return undefined;
  return { domain, roleAddress: isRoleAddress(email.slice(0, at)) };
}

async function hasMx(resolver: DnsResolver, domain: string, signal: AbortSignal): Promise<boolean | null> {
  if (signal.aborted) return null;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<null>((resolve) => {
    onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const lookup = resolver.resolveMx(domain).then(
      (records) => records.some((r) => r.exchange && r.exchange !== '.'),
      (err: NodeJS.ErrnoException) => (err?.code === 'ENODATA' || err?.code === 'ENOTFOUND' ? false : null),
    );
    return await Promise.race([lookup, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

export const emailTool: EnrichTool<EmailInput, EmailFacts> = {
  name: 'email',
  input: EmailInputSchema,
  output: EmailFactsSchema,
  timeoutMs: 2_000,
  weight: 1,
  cacheTtlSeconds: 24 * 3600,
  prepare(lead) {
    return emailInput(lead.person.email);
  },
  cacheKey(input) {
    return `email:v1:${input.domain}:${input.roleAddress ? 'role' : 'person'}`;
  },
  async run(input, ctx) {
    const freeMail = isFreeMail(input.domain);
    const disposable = isDisposable(input.domain);
    // The MX lookup gets most of the tool's time, so a slow resolver yields mx: null, not a timeout.
    const mxSignal = AbortSignal.any([ctx.signal, AbortSignal.timeout(Math.max(50, ctx.timeoutMs - 250))]);
    const mx = await hasMx(ctx.deps.dns ?? defaultDns, input.domain, mxSignal);
    return {
      domain: input.domain,
      freeMail,
      disposable,
      roleAddress: input.roleAddress,
      businessDomain: !freeMail && !disposable && mx !== false,
      mx,
    };
  },
};
