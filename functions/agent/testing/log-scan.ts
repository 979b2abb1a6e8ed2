/**
 * The personal-data scan of captured log output (test/log-scan/): every line is searched for the test data's
 * emails, names and phone numbers (./personal-data.ts) and, generically, for any email address that is not a
 * system address (team, sender, privacy contact) and any valid international or Dutch phone number. A hit
 * names the file, the line and which datum — masked, so the report does not print the personal data itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { TestPersonalData } from './personal-data';

export type LogScanKind = 'email' | 'name' | 'phone';

export interface LogScanHit {
  readonly file: string;
  readonly line: number;
  /** The test file (or process) that was running when the line was written, from the capture's markers. */
  readonly context: string;
  readonly kind: LogScanKind;
  /** The datum masked: first characters and shape only. */
  readonly datum: string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Single name tokens too common as words to tell a person apart; full names are still matched. */
const COMMON_WORDS = new Set(
  [
    'test',
    'tester',
    'bench',
    'lead',
    'leads',
    'persoon',
    'person',
    'call',
    'now',
    'ignore',
    'demo',
    'sales',
    'team',
    'contact',
    'name',
    'naam',
    'user',
    'admin',
    'owner',
    'manager',
  ].map((w) => w.toLowerCase()),
);

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const INTERNATIONAL_PHONE = /(?<![\w+])\+\d[\d ()./-]{7,18}\d(?!\d)/g;
const DUTCH_PHONE = /(?<![\w.:/-])0\d(?:[ -]?\d){8}(?![\w.-])/g;

export const maskEmail = (email: string): string => {
  const [local = '', domain = ''] = email.split('@');
  const dot = domain.lastIndexOf('.');
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***${dot >= 0 ? domain.slice(dot) : ''}`;
};
export const maskName = (name: string): string => `${name.slice(0, 1)}*** (${name.length} characters)`;
export const maskPhone = (phone: string): string => `…${phone.replace(/\D/g, '').slice(-2)}`;

export interface LogScanner {
  scanLine(line: string): { kind: LogScanKind; datum: string }[];
}

export function createLogScanner(data: TestPersonalData, allowedEmails: Iterable<string>): LogScanner {
  const allowed = new Set([...allowedEmails].map((e) => e.toLowerCase()));
  const encodedEmails = [...new Set(data.emails.map((e) => e.toLowerCase()))]
    .filter((e) => !allowed.has(e))
    .map((e) => ({ email: e, encoded: e.replace('@', '%40') }));

  const fullNames = [...new Set(data.names.filter((n) => /\s/.test(n.trim())))];
  const tokens = new Set<string>();
  for (const name of data.names) {
    for (const token of name.split(/\s+/)) {
      if (/^\p{Lu}[\p{L}'-]{3,}$/u.test(token) && !COMMON_WORDS.has(token.toLowerCase())) tokens.add(token);
    }
  }
  const fullNameRe = fullNames.length
    ? new RegExp(
        `(?<![\\p{L}\\p{N}])(?:${fullNames
          .sort((a, b) => b.length - a.length)
          .map((n) => n.trim().split(/\s+/).map(escapeRegExp).join('[\\s+_.-]+'))
          .join('|')})(?![\\p{L}\\p{N}])`,
        'gu',
      )
    : undefined;
  const tokenRe = tokens.size
    ? new RegExp(
        `(?<![\\p{L}\\p{N}])(?:${[...tokens]
          .sort((a, b) => b.length - a.length)
          .map(escapeRegExp)
          .join('|')})(?![\\p{L}\\p{N}])`,
        'gu',
      )
    : undefined;
  const phoneDigits = [
    ...new Set(
      data.phones.flatMap((p) => {
        const digits = p.replace(/\D/g, '');
        if (digits.length < 9) return [];
        // The national form too: +31 20 … is also written 020 …
        const national = /^3[12]/.test(digits) ? [`0${digits.slice(2)}`] : [];
        return [digits, ...national];
      }),
    ),
  ];
  const phoneRe = phoneDigits.length
    ? new RegExp(
        `(?<!\\d)(?:${phoneDigits.map((d) => d.split('').join('[\\s().-]*')).join('|')})(?!\\d)`,
        'g',
      )
    : undefined;

  return {
    scanLine(line) {
      const hits: { kind: LogScanKind; datum: string }[] = [];
      const seen = new Set<string>();
      const hit = (kind: LogScanKind, datum: string) => {
        const key = `${kind}:${datum}`;
        if (seen.has(key)) return;
        seen.add(key);
        hits.push({ kind, datum });
      };
      if (line.includes('@')) {
        for (const m of line.matchAll(EMAIL)) {
          const email = m[0].replace(/^[._%+-]+/, '').toLowerCase();
          if (!allowed.has(email)) hit('email', maskEmail(email));
        }
      }
      if (line.includes('%40')) {
        const lower = line.toLowerCase();
        for (const { email, encoded } of encodedEmails)
          if (lower.includes(encoded)) hit('email', maskEmail(email));
      }
      let rest = line;
      if (fullNameRe) {
        for (const m of line.matchAll(fullNameRe)) hit('name', maskName(m[0]));
        // A full name counts once, not once more per part.
        rest = line.replace(fullNameRe, ' ');
      }
      if (tokenRe) for (const m of rest.matchAll(tokenRe)) hit('name', maskName(m[0]));
      if (phoneRe) for (const m of line.matchAll(phoneRe)) hit('phone', maskPhone(m[0]));
      if (line.includes('+')) {
        for (const m of line.matchAll(INTERNATIONAL_PHONE)) {
          if (parsePhoneNumberFromString(m[0])?.isValid()) hit('phone', maskPhone(m[0]));
        }
      }
      for (const m of line.matchAll(DUTCH_PHONE)) {
        if (parsePhoneNumberFromString(m[0], 'NL')?.isValid()) hit('phone', maskPhone(m[0]));
      }
      return hits;
    },
  };
}

/** Lines starting with this are the capture's own markers (`#@ test-file <path>`, `#@ process <pid> <script>`). */
export const MARKER = '#@ ';

/** Scans every `*.log` file of a run directory. */
export function scanLogDirectory(dir: string, scanner: LogScanner): LogScanHit[] {
  const hits: LogScanHit[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.log'))
    .sort()) {
    const file = join(dir, name);
    let context = '(start of process)';
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const [i, line] of lines.entries()) {
      if (line.startsWith(MARKER)) {
        context = line.slice(MARKER.length);
        continue;
      }
      for (const h of scanner.scanLine(line)) hits.push({ file, line: i + 1, context, ...h });
    }
  }
  return hits;
}

/** Every `registerTestPersonalData` call of the run, merged with the collected data. */
export function withRegistered(data: TestPersonalData, registryFile: string): TestPersonalData {
  let text = '';
  try {
    text = readFileSync(registryFile, 'utf8');
  } catch {
    return data;
  }
  const emails = new Set(data.emails);
  const names = new Set(data.names);
  const phones = new Set(data.phones);
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as TestPersonalData;
    for (const e of r.emails) emails.add(e);
    for (const n of r.names) names.add(n);
    for (const p of r.phones) phones.add(p);
  }
  return { emails: [...emails], names: [...names], phones: [...phones] };
}

export const describeHit = (h: LogScanHit, root: string): string =>
  `${h.file.startsWith(root) ? h.file.slice(root.length + 1) : h.file}:${h.line} — ${h.kind} ${h.datum} (while: ${h.context})`;
