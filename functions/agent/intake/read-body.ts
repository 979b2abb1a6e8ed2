/**
 * Turns the raw HTTP body into either a JSON value or a flat list of form fields, enforcing the size limit
 * and the supported content types. Never throws: failures come back as a `ParseFailure`.
 */
import busboy from 'busboy';
import { issue } from './issues';
import type { ParseFailure } from './types';

export type FormField = { name: string; value: string };
export type ReadBody =
  | { ok: true; kind: 'json'; value: unknown; text: string }
  | { ok: true; kind: 'form'; fields: FormField[] };

export type MediaType = 'json' | 'urlencoded' | 'multipart';

/** `application/json; charset=utf-8` → 'json'; unknown types → undefined. */
export function mediaTypeOf(contentType: string | undefined): MediaType | undefined {
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (essence === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(essence)) return 'json';
  if (essence === 'application/x-www-form-urlencoded') return 'urlencoded';
  if (essence === 'multipart/form-data') return 'multipart';
  return undefined;
}

export function decodeBody(body: string, isBase64Encoded: boolean): Buffer {
  return isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

export async function readBody(
  bytes: Buffer,
  contentType: string | undefined,
  maxBodyBytes: number,
): Promise<ReadBody | ParseFailure> {
  if (bytes.length > maxBodyBytes) {
    return tooLarge(maxBodyBytes);
  }
  const media = mediaTypeOf(contentType);
  if (!media) return unsupportedType();
  if (bytes.length === 0) return emptyBody();
  if (media === 'json') return readJson(bytes);
  if (media === 'urlencoded')
    return { ok: true, kind: 'form', fields: readUrlEncoded(bytes.toString('utf8')) };
  return readMultipart(bytes, contentType!, maxBodyBytes);
}

function readJson(bytes: Buffer): ReadBody | ParseFailure {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return { ok: true, kind: 'json', value: JSON.parse(text), text };
  } catch {
    return {
      ok: false,
      kind: 'invalid',
      error: 'Malformed JSON',
      issues: [issue('body', 'The body is not valid JSON', 'De inhoud is geen geldige JSON')],
    };
  }
}

export function readUrlEncoded(text: string): FormField[] {
  const fields: FormField[] = [];
  for (const [name, value] of new URLSearchParams(text)) fields.push({ name, value });
  return fields;
}

function readMultipart(
  bytes: Buffer,
  contentType: string,
  maxBodyBytes: number,
): Promise<ReadBody | ParseFailure> {
  return new Promise((resolve) => {
    const fields: FormField[] = [];
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { fieldSize: maxBodyBytes, fields: 500, parts: 600 },
        defParamCharset: 'utf8',
      });
    } catch {
      resolve(badMultipart('The multipart body has no boundary'));
      return;
    }
    parser.on('field', (name, value) => fields.push({ name, value }));
    parser.on('file', (_name, stream) => stream.resume());
    parser.on('error', () => resolve(badMultipart('The multipart body could not be read')));
    parser.on('close', () => resolve({ ok: true, kind: 'form', fields }));
    try {
      parser.end(bytes);
    } catch {
      resolve(badMultipart('The multipart body could not be read'));
    }
  });
}

function badMultipart(message: string): ParseFailure {
  return {
    ok: false,
    kind: 'invalid',
    error: 'Malformed multipart body',
    issues: [issue('body', message, 'De multipart-inhoud kon niet worden gelezen')],
  };
}

export function tooLarge(maxBodyBytes: number): ParseFailure {
  return {
    ok: false,
    kind: 'too_large',
    error: 'Body too large',
    issues: [
      issue(
        'body',
        `The submission is larger than ${maxBodyBytes} bytes`,
        `De inzending is groter dan ${maxBodyBytes} bytes`,
      ),
    ],
  };
}

function unsupportedType(): ParseFailure {
  return {
    ok: false,
    kind: 'unsupported_media',
    error: 'Unsupported content type',
    issues: [
      issue(
        'content-type',
        'Send application/json, application/x-www-form-urlencoded or multipart/form-data',
        'Stuur application/json, application/x-www-form-urlencoded of multipart/form-data',
      ),
    ],
  };
}

function emptyBody(): ParseFailure {
  return {
    ok: false,
    kind: 'invalid',
    error: 'Empty body',
    issues: [issue('body', 'The submission is empty', 'De inzending is leeg')],
  };
}
