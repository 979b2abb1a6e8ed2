/**
 * Entry point of the intake domain: raw HTTP webform submission → normalised Lead, or a field-level
 * error. Pure (no AWS), async only because multipart bodies stream through busboy. Never throws.
 */
import { LeadSchema } from '../lead';
import { buildLead } from './build-lead';
import { mapFields } from './field-mapping';
import { issue } from './issues';
import { extractByProvider, parseForcedSource } from './providers/detect';
import { decodeBody, readBody, tooLarge } from './read-body';
import { allowedRedirect } from './redirect';
import type { IntakeSettings } from './settings';
import { controlFieldNames, detectSpam } from './spam';
import type { Answer, ParseFailure, ParseResult, ProviderExtract, SubmissionInput } from './types';

export async function parseSubmission(
  input: SubmissionInput,
  settings: IntakeSettings,
): Promise<ParseResult> {
  try {
    return await parseSafely(input, settings);
  } catch {
    return {
      ok: false,
      kind: 'invalid',
      error: 'Unreadable submission',
      issues: [issue('body', 'The submission could not be read', 'De inzending kon niet worden gelezen')],
    };
  }
}

async function parseSafely(input: SubmissionInput, settings: IntakeSettings): Promise<ParseResult> {
  const headers = input.headers ?? {};
  const query = input.query ?? {};
  const forced = parseForcedSource(query.source);
  if (isFailure(forced)) return forced;
  const rawBody = typeof input.body === 'string' ? input.body : '';
  // Cheap guard before decoding: base64 is 4/3 of the bytes, plain text at least one byte per char.
  if (
    rawBody.length >
    (input.isBase64Encoded ? Math.ceil((settings.maxBodyBytes * 4) / 3) + 4 : settings.maxBodyBytes)
  ) {
    return tooLarge(settings.maxBodyBytes);
  }
  const body = await readBody(
    decodeBody(rawBody, input.isBase64Encoded === true),
    headers['content-type'],
    settings.maxBodyBytes,
  );
  if (!body.ok) return body;
  const extract = extractByProvider(body, forced);
  if (isFailure(extract)) return extract;
  return toResult(extract, input, settings);
}

function toResult(extract: ProviderExtract, input: SubmissionInput, settings: IntakeSettings): ParseResult {
  const receivedAt = validDate(input.receivedAt);
  const control = controlFieldNames(settings);
  const answers = extract.answers.filter((answer) => !control.has(answer.key));
  const spamReason = detectSpam(extract.answers, settings, receivedAt);
  const { fields, unmapped } = mapFields(answers, settings, extract.provider);
  const { lead, issues } = buildLead({
    extract,
    fields,
    unmapped,
    settings,
    headers: input.headers ?? {},
    query: input.query ?? {},
    receivedAt,
  });
  if (issues.length > 0 && !spamReason) {
    return { ok: false, kind: 'unprocessable', error: 'The submission is incomplete or invalid', issues };
  }
  const checked = LeadSchema.safeParse(lead);
  if (!checked.success) return schemaFailure(checked.error.issues);
  const redirectTo = allowedRedirect(redirectCandidate(extract, input), settings.allowedRedirectOrigins);
  return {
    ok: true,
    lead: checked.data,
    provider: extract.provider,
    ...(checked.data.source.submissionId ? { submissionId: checked.data.source.submissionId } : {}),
    ...(spamReason ? { spam: { reason: spamReason } } : {}),
    ...(redirectTo ? { redirectTo } : {}),
    rawFields: rawFieldsOf(extract.answers),
  };
}

function redirectCandidate(extract: ProviderExtract, input: SubmissionInput): string | undefined {
  if (extract.provider !== 'html' && extract.provider !== 'json') return undefined;
  return extract.answers.find((answer) => answer.key === '_redirect')?.value ?? input.query?.redirect;
}

function rawFieldsOf(answers: Answer[]): Record<string, string> {
  return Object.fromEntries(answers.map((answer) => [answer.key, answer.value]));
}

/** The receive time, or now when it is missing or cannot be written as an ISO date (years 1970–9999). */
function validDate(value: Date): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) return new Date();
  const year = value.getUTCFullYear();
  return year >= 1970 && year <= 9999 ? value : new Date();
}

function schemaFailure(zodIssues: Array<{ path: PropertyKey[]; message: string }>): ParseFailure {
  const issues = zodIssues
    .slice(0, 20)
    .map((zodIssue) =>
      issue(zodIssue.path.map(String).join('.') || 'body', zodIssue.message, 'Deze waarde is ongeldig'),
    );
  return { ok: false, kind: 'unprocessable', error: 'The submission is invalid', issues };
}

function isFailure(value: unknown): value is ParseFailure {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
}
