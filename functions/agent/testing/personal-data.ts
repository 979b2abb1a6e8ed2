/**
 * The test data's personal data: every email address, person name and phone number the tests submit, for the
 * whole-suite log scan (test/log-scan/). Collected from the fixtures and samples themselves — the provider
 * payloads parsed the way intake parses them, the CLI samples, the drafting and CRM fixtures, and the name,
 * email and phone literals in the test sources — plus what a test makes up at run time and registers with
 * `registerTestPersonalData` (a name with a timestamp in it, say).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseSubmission } from '../intake/parse-submission';
import type { Person } from '../lead';
import { crmLeadRecord } from './crm/fixtures';
import {
  FIXTURES,
  fixture,
  HTML_BOUNDARY,
  JOTFORM_BOUNDARY,
  request,
  TEST_SETTINGS,
} from './intake-requests';
import { sampleLead } from './samples';

export interface TestPersonalData {
  readonly emails: readonly string[];
  readonly names: readonly string[];
  readonly phones: readonly string[];
}

let sink: ((data: TestPersonalData) => void) | undefined;

/** The test setup points this at the scan's registry file; without a scan running, registering is a no-op. */
export const setTestPersonalDataSink = (next: ((data: TestPersonalData) => void) | undefined): void => {
  sink = next;
};

/** Personal data a test makes up at run time, so the log scan looks for it too. */
export const registerTestPersonalData = (data: Partial<TestPersonalData>): void => {
  sink?.({ emails: data.emails ?? [], names: data.names ?? [], phones: data.phones ?? [] });
};

const ROOT = join(import.meta.dirname, '..', '..', '..');

const contentTypeOf = (name: string): string =>
  name.endsWith('.json')
    ? 'application/json'
    : name.includes('.urlencoded.')
      ? 'application/x-www-form-urlencoded'
      : `multipart/form-data; boundary=${name.startsWith('jotform') ? JOTFORM_BOUNDARY : HTML_BOUNDARY}`;

const filesUnder = (dir: string, keep: (path: string) => boolean): string[] => {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (entry === 'node_modules' || entry.startsWith('.')) return [];
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path, keep) : keep(path) ? [path] : [];
  });
};

const EMAIL_LITERAL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const PHONE_LITERAL = /\+\d[\d ()-]{7,17}\d/g;
/** `firstName: 'Eva'`, `"last_name": "Jones"`, `firstname=Anna` — a literal without template parts. */
const NAME_LITERAL =
  /\b(?:first_?name|last_?name|firstname|lastname|full_?name|fullName|contact_?name)['"]?\s*[:=]\s*(?:(['"`])([^'"`$\n]{2,60})\1|([A-Z][\p{L}+%-]{1,40}))/giu;

const fromPerson = (person: Partial<Person> | undefined, into: Sets): void => {
  if (!person) return;
  if (person.email) into.emails.add(person.email);
  if (person.phone) into.phones.add(person.phone);
  for (const name of [person.firstName, person.lastName, person.fullName]) if (name) into.names.add(name);
  if (person.firstName && person.lastName) into.names.add(`${person.firstName} ${person.lastName}`);
};

interface Sets {
  emails: Set<string>;
  names: Set<string>;
  phones: Set<string>;
}

/** Where each literal came from: the source files the collection read (relative to the repository). */
export const PERSONAL_DATA_SOURCES = [
  'functions/agent/testing/fixtures/providers',
  'samples/leads',
  'samples/cli',
  'functions/**/*.test.ts',
  'functions/agent/testing/**/*.ts',
  'test/**/*.ts',
  'local/seed-samples.ts',
  'bench/**/*.ts',
  'eval/**/*.ts',
] as const;

export async function collectTestPersonalData(root = ROOT): Promise<TestPersonalData> {
  const sets: Sets = { emails: new Set(), names: new Set(), phones: new Set() };
  // The provider payloads, parsed the way intake parses them.
  for (const dir of [FIXTURES, join(root, 'samples', 'leads')]) {
    for (const path of filesUnder(dir, () => true)) {
      const name = relative(dir, path);
      const body = dir === FIXTURES ? fixture(name) : readFileSync(path, 'utf8').replace(/\r?\n/g, '\r\n');
      const text = name.includes('.multipart.') ? body : body.trim();
      const parsed = await parseSubmission(request(text, contentTypeOf(name)), TEST_SETTINGS);
      if (parsed.ok) fromPerson(parsed.lead.person, sets);
    }
  }
  // The CLI samples (a lead's shape).
  for (const path of filesUnder(join(root, 'samples', 'cli'), (p) => p.endsWith('.json'))) {
    const sample = JSON.parse(readFileSync(path, 'utf8')) as { person?: Partial<Person> };
    fromPerson(sample.person, sets);
  }
  // The drafting and CRM fixtures.
  fromPerson(sampleLead('nl').person, sets);
  fromPerson(sampleLead('en').person, sets);
  fromPerson(crmLeadRecord(0).lead.person, sets);
  // Literals in the test sources.
  const isTestSource = (path: string) => {
    const rel = relative(root, path);
    return (
      /\.(ts|json|txt)$/.test(rel) &&
      (rel.endsWith('.test.ts') ||
        rel.startsWith(join('functions', 'agent', 'testing')) ||
        rel.startsWith('test') ||
        rel === join('local', 'seed-samples.ts') ||
        rel.startsWith('bench') ||
        rel.startsWith('eval'))
    );
  };
  const sources = ['functions', 'test', 'local', 'bench', 'eval'].flatMap((dir) =>
    filesUnder(join(root, dir), isTestSource),
  );
  for (const path of sources) {
    const text = readFileSync(path, 'utf8');
    for (const m of text.matchAll(EMAIL_LITERAL)) sets.emails.add(m[0]);
    for (const m of text.matchAll(PHONE_LITERAL)) sets.phones.add(m[0]);
    for (const m of text.matchAll(NAME_LITERAL)) {
      const value = (m[2] ?? m[3] ?? '').replace(/\+/g, ' ').trim();
      if (value) sets.names.add(value);
    }
  }
  // A name is letters, spaces, hyphens and apostrophes with a capital in it; the rest the literal scan picked
  // up is a field name or a template (`person.firstName`, `input`).
  const names = [...sets.names].filter((n) => /^[\p{L}' -]+$/u.test(n) && /\p{Lu}/u.test(n));
  return { emails: [...sets.emails], names, phones: [...sets.phones] };
}
