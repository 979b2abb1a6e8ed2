/**
 * Picks the provider adapter: `?source=<provider>` forces one, otherwise the body's shape decides.
 * Returns a failure (422 naming `body`) when the shape cannot be one the caller asked for.
 */
import { type Provider, ProviderSchema } from '../../lead';
import { issue } from '../issues';
import type { ReadBody } from '../read-body';
import type { ParseFailure, ProviderExtract } from '../types';
import {
  extractHubspotForm,
  extractHubspotJson,
  looksLikeHubspotForm,
  looksLikeHubspotJson,
} from './hubspot';
import { extractJotform, looksLikeJotform } from './jotform';
import { extractHtmlForm, extractOwnJson } from './own';
import { extractTally, looksLikeTally } from './tally';
import { extractTypeform, looksLikeTypeform } from './typeform';
import { fieldArrayAnswers, isObject, type Json } from './values';
import { extractWebflow, looksLikeWebflow } from './webflow';

type JsonAdapter = {
  provider: Provider;
  looksLike: (body: Json) => boolean;
  extract: (body: Json) => ProviderExtract;
};

const JSON_ADAPTERS: JsonAdapter[] = [
  { provider: 'typeform', looksLike: looksLikeTypeform, extract: extractTypeform },
  { provider: 'tally', looksLike: looksLikeTally, extract: extractTally },
  { provider: 'webflow', looksLike: looksLikeWebflow, extract: extractWebflow },
  { provider: 'hubspot', looksLike: looksLikeHubspotJson, extract: extractHubspotJson },
];

export function parseForcedSource(source: string | undefined): Provider | undefined | ParseFailure {
  if (source === undefined || source === '') return undefined;
  const parsed = ProviderSchema.safeParse(source.trim().toLowerCase());
  if (parsed.success) return parsed.data;
  return {
    ok: false,
    kind: 'invalid',
    error: 'Unknown source',
    issues: [
      issue('source', `Unknown source; use one of ${ProviderSchema.options.join(', ')}`, 'Onbekende bron'),
    ],
  };
}

export function extractByProvider(
  body: ReadBody,
  forced: Provider | undefined,
): ProviderExtract | ParseFailure {
  if (body.kind === 'json') return extractJson(body.value, forced);
  if (forced === 'jotform' || (!forced && looksLikeJotform(body.fields))) {
    return looksLikeJotform(body.fields) ? extractJotform(body.fields) : wrongShape('jotform');
  }
  if (forced === 'hubspot' || (!forced && looksLikeHubspotForm(body.fields)))
    return extractHubspotForm(body.fields);
  if (forced === 'json') return extractHtmlForm(body.fields, 'json');
  if (!forced || forced === 'html') return extractHtmlForm(body.fields);
  return wrongShape(forced);
}

function extractJson(value: unknown, forced: Provider | undefined): ProviderExtract | ParseFailure {
  // A bare array of field objects (`[{ "label": "Email", "value": "…" }, …]`) is a form too.
  const arrayAnswers =
    Array.isArray(value) && (!forced || forced === 'json') ? fieldArrayAnswers(value) : undefined;
  if (arrayAnswers) return { provider: 'json', answers: arrayAnswers };
  if (!isObject(value)) {
    return {
      ok: false,
      kind: 'unprocessable',
      error: 'Body is not a JSON object',
      issues: [issue('body', 'Send the answers as a JSON object', 'Stuur de antwoorden als JSON-object')],
    };
  }
  if (forced === 'json' || forced === 'html') return { ...extractOwnJson(value), provider: forced };
  if (forced === 'jotform') return wrongShape('jotform');
  const adapter = forced
    ? JSON_ADAPTERS.find((candidate) => candidate.provider === forced)
    : JSON_ADAPTERS.find((candidate) => candidate.looksLike(value));
  if (!adapter) return extractOwnJson(value);
  return adapter.looksLike(value) ? adapter.extract(value) : wrongShape(adapter.provider);
}

function wrongShape(provider: Provider): ParseFailure {
  return {
    ok: false,
    kind: 'unprocessable',
    error: `Body is not a ${provider} submission`,
    issues: [
      issue(
        'body',
        `The body does not look like a ${provider} submission`,
        `De inhoud lijkt niet op een ${provider}-inzending`,
      ),
    ],
  };
}
