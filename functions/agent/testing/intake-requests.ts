/** Shared helpers for the intake unit tests: fixture loading and request building. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_INTAKE_SETTINGS, type IntakeSettings } from '../intake/settings';
import type { SubmissionInput } from '../intake/types';

export const FIXTURES = join(import.meta.dirname, 'fixtures', 'providers');
export const RECEIVED_AT = new Date('2026-11-23T10:00:00.000Z');
export const JOTFORM_BOUNDARY = '------------------------a1b2c3d4e5f60718';
export const HTML_BOUNDARY = '----WebKitFormBoundary7MA4YWxkTrZu0gW';

export const TEST_SETTINGS: IntakeSettings = {
  ...DEFAULT_INTAKE_SETTINGS,
  allowedRedirectOrigins: ['https://www.example.com'],
};

export function fixture(name: string): string {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  // Multipart needs CRLF whatever a checkout did to line endings.
  return name.includes('.multipart.') ? text.replace(/\r?\n/g, '\r\n') : text;
}

export function request(
  body: string,
  contentType: string | undefined,
  overrides: Partial<SubmissionInput> = {},
): SubmissionInput {
  return {
    body,
    isBase64Encoded: false,
    headers: contentType ? { 'content-type': contentType } : {},
    query: {},
    method: 'POST',
    path: '/leads',
    receivedAt: RECEIVED_AT,
    ...overrides,
  };
}

export function jsonRequest(value: unknown, overrides: Partial<SubmissionInput> = {}): SubmissionInput {
  return request(JSON.stringify(value), 'application/json', overrides);
}

export function formRequest(
  fields: Record<string, string>,
  overrides: Partial<SubmissionInput> = {},
): SubmissionInput {
  return request(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', overrides);
}
