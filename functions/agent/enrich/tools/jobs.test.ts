/**
 * The jobs tool against a real local site and job-board servers speaking Greenhouse's, Lever's and Recruitee's
 * wire formats; JSON-LD of any shape never throws; the facts, rules and ledger evidence of job postings.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { shippedRules } from '../../../platform/shipped-rules';
import type { JobsFacts } from '../../enrichment';
import { scoreEnrichedLead } from '../../score';
import type { TestServer } from '../../testing/http-server';
import { JOBS_SITE, startJobsServer } from '../../testing/jobs-server';
import { sampleEnrichment, sampleLead } from '../../testing/samples';
import { enrichLead } from '../run-tools';
import type { ToolContext } from '../types';
import { jobBoardsIn, jobPostingsFromHtml, jobsFacts, jobsTool, postingsOfBoard } from './jobs';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const context = (s: TestServer, timeoutMs = 5_000): ToolContext => ({
  signal: AbortSignal.timeout(timeoutMs),
  timeoutMs,
  now: new Date('2026-12-01T10:00:00Z'),
  deps: {
    allowPrivateTargets: true,
    jobBoards: { greenhouse: s.origin, lever: s.origin, recruitee: `${s.origin}/recruitee/{company}` },
  },
});

describe('the jobs tool', () => {
  it('finds the careers page from the homepage and reads its JSON-LD and the job boards it uses', async () => {
    // Prepare
    server = await startJobsServer({ recruitee: true });
    // Act
    const facts = await jobsTool.run({ url: `${server.origin}/` }, context(server));
    // Assess
    expect(facts.openPositions).toBe(6);
    expect(facts.salesRoles).toBe(3);
    expect(facts.engineeringRoles).toBe(2);
    expect(facts.newestPostedAt).toBe('2026-11-28T08:00:00.000Z');
    expect(facts.postings[0]).toEqual({
      title: 'Accountmanager MKB',
      source: 'recruitee',
      url: `https://${JOBS_SITE.recruiteeCompany}.recruitee.com/o/accountmanager`,
      postedAt: '2026-11-28T08:00:00.000Z',
    });
    expect(facts.postings.map((p) => p.source)).toEqual(
      expect.arrayContaining(['careers', 'greenhouse', 'lever', 'recruitee']),
    );
    expect(facts.sources).toEqual(
      expect.arrayContaining([
        `${server.origin}/werken-bij`,
        `${server.origin}/v1/boards/${JOBS_SITE.greenhouseToken}/jobs`,
        `${server.origin}/v0/postings/${JOBS_SITE.leverCompany}?mode=json`,
      ]),
    );
  });

  it('leaves out a job board that fails, and still counts the careers page and the other boards', async () => {
    // Prepare
    server = await startJobsServer({ lever: 'broken' });
    // Act
    const facts = await jobsTool.run({ url: `${server.origin}/` }, context(server));
    // Assess
    expect(facts.openPositions).toBe(4);
    expect(facts.postings.some((p) => p.source === 'lever')).toBe(false);
  });

  it('never fails the lead: a site that does not answer is a tool error, the rest of the enrichment stands', async () => {
    // Prepare
    server = await startJobsServer();
    const origin = server.origin;
    await server.close();
    server = undefined;
    const lead = { ...sampleLead(), company: { ...sampleLead().company, website: origin } };
    // Act
    const enrichment = await enrichLead(
      lead,
      { allowPrivateTargets: true },
      { only: ['jobs', 'email'], timeoutMs: { jobs: 2_000 } },
    );
    // Assess
    expect(enrichment.tools.jobs?.status).toMatch(/error|timeout/);
    expect(enrichment.jobs).toBeNull();
    expect(enrichment.tools.email?.status).toBe('ok');
  });
});

describe('job postings from untrusted pages and APIs', () => {
  it('reads JobPosting JSON-LD as a single object, an array, an @graph and nested, and skips broken blocks', () => {
    // Prepare
    const ld = (v: unknown) => `<script type="application/ld+json">${JSON.stringify(v)}</script>`;
    const html = [
      ld({ '@type': 'JobPosting', title: 'Verkoper binnendienst', datePosted: '2026-11-01' }),
      ld([{ '@type': 'JobPosting', name: 'DevOps engineer', url: '/jobs/devops' }]),
      ld({
        '@graph': [{ '@type': 'WebPage', mainEntity: { '@type': ['JobPosting'], title: 'Data scientist' } }],
      }),
      '<script type="application/ld+json">{"@type": "JobPosting", "title": </script>',
      ld({ '@type': 'JobPosting' }),
    ].join('\n');
    // Act
    const postings = jobPostingsFromHtml(html, 'https://example.com/careers');
    // Assess
    expect(postings.map((p) => p.title).sort()).toEqual([
      'Data scientist',
      'DevOps engineer',
      'Verkoper binnendienst',
    ]);
    expect(postings.find((p) => p.title === 'DevOps engineer')?.url).toBe('https://example.com/jobs/devops');
    expect(postings.find((p) => p.title === 'Verkoper binnendienst')?.postedAt).toBe(
      '2026-11-01T00:00:00.000Z',
    );
  });

  it('never throws on JSON-LD of any shape, and every posting it returns has a title', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), fc.string(), (value, raw) => {
        let json: string;
        try {
          json = JSON.stringify(value) ?? 'null';
        } catch {
          json = 'null';
        }
        const html = `<script type="application/ld+json">${json}</script><script type='application/ld+json'>${raw}</script>`;
        const postings = jobPostingsFromHtml(html, 'https://example.com/');
        for (const p of postings) expect(p.title.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on a job board answer of any shape', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('greenhouse', 'lever', 'recruitee' as const),
        fc.jsonValue(),
        (kind, body) => {
          expect(Array.isArray(postingsOfBoard(kind as 'greenhouse', body))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('recognises the job boards a page links to or embeds', () => {
    expect(
      jobBoardsIn(
        '<script src="https://boards.greenhouse.io/embed/job_board/js?for=acme"></script>' +
          '<a href="https://job-boards.greenhouse.io/acme/jobs/1">x</a><a href="https://jobs.eu.lever.co/Acme-BV">y</a>' +
          '<a href="https://acme.recruitee.com/o/sales">z</a>',
      ),
    ).toEqual([
      { kind: 'greenhouse', name: 'acme' },
      { kind: 'lever', name: 'acme-bv' },
      { kind: 'recruitee', name: 'acme' },
    ]);
  });
});

describe('job postings in the score', () => {
  const withJobs = (jobs: JobsFacts) => ({ ...sampleEnrichment(), jobs });
  const rules = shippedRules();
  const NOW = new Date('2026-12-01T10:00:00Z');

  it('awards hiring sales reps and a growing team, with the posting as evidence', () => {
    // Prepare
    const jobs = jobsFacts(
      [
        {
          title: 'Account Executive',
          source: 'greenhouse',
          url: 'https://boards.greenhouse.io/a/jobs/1',
          postedAt: '2026-11-24T14:00:00.000Z',
        },
        ...['Developer', 'Designer', 'Support', 'Finance'].map((t) => ({
          title: t,
          source: 'careers' as const,
        })),
      ],
      ['https://example.com/careers'],
    );
    // Act
    const score = scoreEnrichedLead(sampleLead(), withJobs(jobs), rules, NOW);
    const none = scoreEnrichedLead(sampleLead(), sampleEnrichment(), rules, NOW);
    // Assess
    const line = score.ledger.find((l) => l.ruleId === 'hiring-sales-reps');
    expect(line).toMatchObject({
      fired: true,
      evidence: {
        source: 'jobs',
        quote: 'Account Executive (greenhouse)',
        url: 'https://boards.greenhouse.io/a/jobs/1',
        at: '2026-11-24T14:00:00.000Z',
      },
    });
    expect(score.ledger.find((l) => l.ruleId === 'open-positions-5')?.fired).toBe(true);
    expect(none.ledger.find((l) => l.ruleId === 'hiring-sales-reps')?.fired).toBe(false);
    expect(score.total).toBeGreaterThan(none.total);
  });
});
