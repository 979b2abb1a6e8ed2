/**
 * The `jobs` tool: the company's open positions as a free intent source. It reads the homepage for the careers
 * link (/careers, /jobs, /vacatures, /werken-bij, …), the careers page for schema.org `JobPosting` JSON-LD
 * (single objects, arrays and `@graph`), and the public job-board API of a board the site links to:
 * Greenhouse (`boards-api.greenhouse.io/v1/boards/{token}/jobs`), Lever (`api.lever.co/v0/postings/{company}
 * ?mode=json`) and Recruitee (`{company}.recruitee.com/api/offers/`). Every fetch goes through the SSRF-guarded
 * client; a board that fails is left out (the others still count); the whole tool has the runner's timeout and
 * its answer is cached per domain.
 */
import * as z from 'zod';
import { type JobPosting, type JobsFacts, JobsFactsSchema } from '../../enrichment';
import { safeGet } from '../net/safe-get';
import { EnrichError, type EnrichTool, type ToolContext } from '../types';
import { DEFAULT_USER_AGENT, defaultDns } from './defaults';
import { CAREERS, decodeBody, homepageUrl, MAX_BODY_BYTES, MAX_REDIRECTS } from './website';

export const JOB_BOARD_DEFAULTS = {
  greenhouse: 'https://boards-api.greenhouse.io',
  lever: 'https://api.lever.co',
  recruitee: 'https://{company}.recruitee.com',
} as const;

const SALES =
  /\b(sales|account\s*executive|account\s*manager|accountmanager|business\s*development|bdr|sdr|verkoper|verkoop|commercieel|commercial|inside\s*sales|key\s*account)\b/i;
const ENGINEERING =
  /\b(engineer|engineering|developer|software|ontwikkelaar|devops|programmeur|architect|data\s*scientist)\b/i;

const text = (v: unknown, max = 300): string | undefined =>
  typeof v === 'string' && v.trim() ? v.replace(/\s+/g, ' ').trim().slice(0, max) : undefined;

/** An ISO date of the value, or undefined (a source's date in any common shape). */
const isoDate = (v: unknown): string | undefined => {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  if (typeof v !== 'string' || v.length > 60) return undefined;
  const t = Date.parse(v.replace(/ UTC$/, 'Z').replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, '$1T$2'));
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
};

const isJobPosting = (o: Record<string, unknown>) => {
  const t = o['@type'];
  return t === 'JobPosting' || (Array.isArray(t) && t.includes('JobPosting'));
};

/**
 * Every schema.org JobPosting in the page's JSON-LD blocks, wherever it sits (top level, arrays, `@graph`,
 * nested). Untrusted input: a block that is not JSON, or of any other shape, is skipped; it never throws.
 */
export const jobPostingsFromHtml = (html: string, pageUrl: string): JobPosting[] => {
  const out: JobPosting[] = [];
  const blocks = html.matchAll(
    /<script\b[^>]*type\s*=\s*["']?application\/ld\+json["']?[^>]*>([\s\S]*?)<\/script\s*>/gi,
  );
  for (const [, body] of blocks) {
    let data: unknown;
    try {
      data = JSON.parse(body ?? '');
    } catch {
      continue;
    }
    const seen = new Set<unknown>();
    const stack: unknown[] = [data];
    let visited = 0;
    while (stack.length > 0 && visited++ < 5_000 && out.length < 500) {
      const node = stack.pop();
      if (!node || typeof node !== 'object' || seen.has(node)) continue;
      seen.add(node);
      if (Array.isArray(node)) {
        for (const item of node) stack.push(item);
        continue;
      }
      const o = node as Record<string, unknown>;
      if (isJobPosting(o)) {
        const title = text(o.title) ?? text(o.name);
        if (title) {
          const postedAt = isoDate(o.datePosted);
          let url: string | undefined;
          try {
            url = typeof o.url === 'string' ? new URL(o.url, pageUrl).href : pageUrl;
          } catch {
            url = pageUrl;
          }
          out.push({ title, source: 'careers', url, ...(postedAt ? { postedAt } : {}) });
        }
        continue;
      }
      for (const v of Object.values(o)) if (v && typeof v === 'object') stack.push(v);
    }
  }
  return out;
};

export interface JobBoard {
  readonly kind: 'greenhouse' | 'lever' | 'recruitee';
  /** The board's token / company name at that board. */
  readonly name: string;
}

/** The job boards a page links to or embeds (Greenhouse, Lever, Recruitee), each once. */
export const jobBoardsIn = (html: string): JobBoard[] => {
  const found = new Map<string, JobBoard>();
  const add = (kind: JobBoard['kind'], name: string | undefined) => {
    const n = name?.toLowerCase();
    if (n && /^[a-z0-9][a-z0-9_-]{0,99}$/.test(n) && !['embed', 'api', 'www', 'v1'].includes(n))
      found.set(`${kind}:${n}`, { kind, name: n });
  };
  for (const m of html.matchAll(
    /(?:job-boards|boards)(?:\.eu)?\.greenhouse\.io\/(?:embed\/job_board(?:\/js)?\?for=([\w-]+)|([\w-]+))/gi,
  ))
    add('greenhouse', m[1] ?? m[2]);
  for (const m of html.matchAll(/boards-api\.greenhouse\.io\/v1\/boards\/([\w-]+)/gi))
    add('greenhouse', m[1]);
  for (const m of html.matchAll(/jobs(?:\.eu)?\.lever\.co\/([\w-]+)/gi)) add('lever', m[1]);
  for (const m of html.matchAll(/api(?:\.eu)?\.lever\.co\/v0\/postings\/([\w-]+)/gi)) add('lever', m[1]);
  for (const m of html.matchAll(/\/\/([\w-]+)\.recruitee\.com/gi)) add('recruitee', m[1]);
  return [...found.values()];
};

const GreenhouseSchema = z.object({
  jobs: z.array(
    z.object({
      title: z.string(),
      absolute_url: z.string().optional(),
      first_published: z.string().nullable().optional(),
      updated_at: z.string().nullable().optional(),
    }),
  ),
});
const LeverSchema = z.array(
  z.object({
    text: z.string(),
    hostedUrl: z.string().optional(),
    createdAt: z.number().optional(),
  }),
);
const RecruiteeSchema = z.object({
  offers: z.array(
    z.object({
      title: z.string(),
      careers_url: z.string().optional(),
      published_at: z.string().nullable().optional(),
      created_at: z.string().nullable().optional(),
    }),
  ),
});

const boardUrl = (board: JobBoard, bases: ToolContext['deps']['jobBoards']): string => {
  const name = encodeURIComponent(board.name);
  switch (board.kind) {
    case 'greenhouse':
      return `${(bases?.greenhouse ?? JOB_BOARD_DEFAULTS.greenhouse).replace(/\/$/, '')}/v1/boards/${name}/jobs`;
    case 'lever':
      return `${(bases?.lever ?? JOB_BOARD_DEFAULTS.lever).replace(/\/$/, '')}/v0/postings/${name}?mode=json`;
    case 'recruitee':
      return `${(bases?.recruitee ?? JOB_BOARD_DEFAULTS.recruitee).replace('{company}', name).replace(/\/$/, '')}/api/offers/`;
  }
};

/** A board's postings in its public API's wire format. */
export const postingsOfBoard = (kind: JobBoard['kind'], body: unknown): JobPosting[] => {
  const posting = (title: string, url: string | undefined, at: unknown): JobPosting => {
    const postedAt = isoDate(at);
    return {
      title: title.replace(/\s+/g, ' ').trim().slice(0, 300),
      source: kind,
      ...(url ? { url: url.slice(0, 2000) } : {}),
      ...(postedAt ? { postedAt } : {}),
    };
  };
  switch (kind) {
    case 'greenhouse': {
      const p = GreenhouseSchema.safeParse(body);
      return p.success
        ? p.data.jobs.map((j) => posting(j.title, j.absolute_url, j.first_published ?? j.updated_at))
        : [];
    }
    case 'lever': {
      const p = LeverSchema.safeParse(body);
      return p.success ? p.data.map((j) => posting(j.text, j.hostedUrl, j.createdAt)) : [];
    }
    case 'recruitee': {
      const p = RecruiteeSchema.safeParse(body);
      return p.success
        ? p.data.offers.map((o) => posting(o.title, o.careers_url, o.published_at ?? o.created_at))
        : [];
    }
  }
};

/** The facts of a set of postings (each once by title and URL). */
export const jobsFacts = (postings: readonly JobPosting[], sources: readonly string[]): JobsFacts => {
  const unique = [...new Map(postings.map((p) => [`${p.title}\u0000${p.url ?? ''}`, p])).values()];
  const newest = unique
    .map((p) => p.postedAt)
    .filter((d): d is string => !!d)
    .sort()
    .at(-1);
  const byNewest = [...unique].sort((a, b) => (b.postedAt ?? '').localeCompare(a.postedAt ?? ''));
  const sales = byNewest.filter((p) => SALES.test(p.title));
  return {
    openPositions: unique.length,
    salesRoles: sales.length,
    engineeringRoles: unique.filter((p) => ENGINEERING.test(p.title)).length,
    ...(newest ? { newestPostedAt: newest } : {}),
    sources: [...new Set(sources)].slice(0, 10),
    postings: [...sales, ...byNewest.filter((p) => !SALES.test(p.title))].slice(0, 10),
  };
};

const JobsInputSchema = z.object({ url: z.string().max(2048) });

const get = (url: string, ctx: ToolContext, accept?: string) =>
  safeGet(url, {
    signal: ctx.signal,
    dns: ctx.deps.dns ?? defaultDns,
    allowPrivateTargets: ctx.deps.allowPrivateTargets === true,
    maxBytes: MAX_BODY_BYTES,
    maxRedirects: MAX_REDIRECTS,
    userAgent: ctx.deps.userAgent ?? DEFAULT_USER_AGENT,
    ...(accept ? { accept } : {}),
  });

const html = async (url: string, ctx: ToolContext) => {
  const res = await get(url, ctx);
  if (res.status >= 400) throw new EnrichError(`page answered HTTP ${res.status}`);
  return { finalUrl: res.finalUrl, html: decodeBody(res.body, String(res.headers['content-type'] ?? '')) };
};

/** The careers page the homepage links to (by path or by link text), if any. */
const careersLink = (page: string, base: string): string | undefined => {
  for (const m of page.matchAll(/<a\b[^>]*href\s*=\s*["']([^"']+)["'][^>]*>([\s\S]*?)<\/a>/gi)) {
    let abs: URL;
    try {
      abs = new URL(m[1] ?? '', base);
    } catch {
      continue;
    }
    if (abs.protocol !== 'http:' && abs.protocol !== 'https:') continue;
    const label = (m[2] ?? '').replace(/<[^>]*>/g, '').trim();
    if (CAREERS.test(abs.pathname) || /^(?:vacatures|werken bij|careers|jobs)$/i.test(label)) return abs.href;
  }
  return undefined;
};

export const jobsTool: EnrichTool<z.infer<typeof JobsInputSchema>, JobsFacts> = {
  name: 'jobs',
  input: JobsInputSchema,
  output: JobsFactsSchema,
  // Below the website tool's 4 s: reading job postings never holds up a qualification longer than the site does.
  timeoutMs: 3_000,
  // Extra evidence: its failure never lowers the lead's data confidence.
  weight: 0,
  cacheTtlSeconds: 24 * 3600,
  prepare(lead) {
    const url = homepageUrl(lead.company.website, lead.company.domain);
    return url ? { url } : undefined;
  },
  cacheKey(input) {
    const url = new URL(input.url);
    return `jobs:v1:${url.protocol}//${url.host}`.toLowerCase();
  },
  async run(input, ctx) {
    const home = await html(input.url, ctx);
    const sources: string[] = [];
    const postings: JobPosting[] = jobPostingsFromHtml(home.html, home.finalUrl);
    let boards = jobBoardsIn(home.html);
    const careers = careersLink(home.html, home.finalUrl);
    if (careers && careers !== home.finalUrl) {
      const page = await html(careers, ctx).catch(() => undefined);
      if (page) {
        sources.push(page.finalUrl);
        postings.push(...jobPostingsFromHtml(page.html, page.finalUrl));
        boards = [...boards, ...jobBoardsIn(page.html)];
      }
    }
    const unique = [...new Map(boards.map((b) => [`${b.kind}:${b.name}`, b])).values()].slice(0, 3);
    const fromBoards = await Promise.all(
      unique.map(async (board) => {
        const url = boardUrl(board, ctx.deps.jobBoards);
        try {
          const res = await get(url, ctx, 'application/json');
          if (res.status >= 400) return [];
          const found = postingsOfBoard(board.kind, JSON.parse(res.body.toString('utf8')));
          sources.push(url);
          return found;
        } catch {
          // A board that does not answer is left out; the careers page still counts.
          return [];
        }
      }),
    );
    for (const list of fromBoards) postings.push(...list);
    if (postings.length > 0 && sources.length === 0) sources.push(home.finalUrl);
    return jobsFacts(postings, sources);
  },
};
