/**
 * A company site with a careers page and the public job-board APIs it uses, on 127.0.0.1, speaking the real wire
 * formats: `/` links to `/werken-bij`; the careers page carries schema.org JobPosting JSON-LD (an `@graph`) and
 * embeds a Greenhouse board and a Lever board; `/v1/boards/{token}/jobs` answers as Greenhouse's Job Board API,
 * `/v0/postings/{company}?mode=json` as Lever's Postings API (`broken` answers 500), and
 * `/recruitee/{company}/api/offers/` as Recruitee's careers-site API.
 */
import { startServer, type TestServer } from './http-server';

export const JOBS_SITE = {
  greenhouseToken: 'roostr',
  leverCompany: 'roostr',
  recruiteeCompany: 'roostr',
};

const careersPage = (origin: string, boards: { lever: string; recruitee: boolean }) => `<!doctype html>
<html lang="nl"><head><title>Werken bij Roostr</title>
<script type="application/ld+json">${JSON.stringify({
  '@context': 'https://schema.org',
  '@graph': [
    { '@type': 'Organization', name: 'Roostr' },
    {
      '@type': 'JobPosting',
      title: 'Account Executive Benelux',
      datePosted: '2026-11-20',
      url: `${origin}/werken-bij/account-executive`,
      hiringOrganization: { '@type': 'Organization', name: 'Roostr' },
    },
  ],
})}</script>
<script type="application/ld+json">[{"@type":["JobPosting"],"title":"Backend Developer","datePosted":"2026-11-10"}]</script>
<script type="application/ld+json">{ not json </script>
</head><body>
<div id="grnhse_app"></div>
<script src="https://boards.greenhouse.io/embed/job_board/js?for=${JOBS_SITE.greenhouseToken}"></script>
<a href="https://jobs.lever.co/${boards.lever}">Meer vacatures</a>
${boards.recruitee ? `<a href="https://${JOBS_SITE.recruiteeCompany}.recruitee.com/">Recruitee</a>` : ''}
</body></html>`;

export async function startJobsServer(
  opts: { lever?: 'ok' | 'broken'; recruitee?: boolean } = {},
): Promise<TestServer> {
  const server: TestServer = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><html><head><title>Roostr</title></head><body><a href="/prijzen">Prijzen</a><a href="/werken-bij">Werken bij</a></body></html>',
      );
      return;
    }
    if (url.pathname === '/werken-bij') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        careersPage(server.origin, {
          lever: opts.lever === 'broken' ? 'broken' : JOBS_SITE.leverCompany,
          recruitee: opts.recruitee === true,
        }),
      );
      return;
    }
    if (url.pathname === `/v1/boards/${JOBS_SITE.greenhouseToken}/jobs`)
      return json(200, {
        jobs: [
          {
            id: 4011,
            internal_job_id: 3011,
            title: 'Sales Development Representative',
            updated_at: '2026-11-25T10:00:00-05:00',
            first_published: '2026-11-24T09:00:00-05:00',
            requisition_id: 'SDR-1',
            location: { name: 'Amsterdam' },
            absolute_url: `https://boards.greenhouse.io/${JOBS_SITE.greenhouseToken}/jobs/4011`,
            metadata: null,
          },
          {
            id: 4012,
            internal_job_id: 3012,
            title: 'Customer Success Manager',
            updated_at: '2026-10-01T10:00:00-04:00',
            first_published: '2026-09-30T10:00:00-04:00',
            requisition_id: 'CSM-1',
            location: { name: 'Utrecht' },
            absolute_url: `https://boards.greenhouse.io/${JOBS_SITE.greenhouseToken}/jobs/4012`,
            metadata: null,
          },
        ],
        meta: { total: 2 },
      });
    if (url.pathname === '/v0/postings/broken') return json(500, { ok: false });
    if (url.pathname === `/v0/postings/${JOBS_SITE.leverCompany}` && url.searchParams.get('mode') === 'json')
      return json(200, [
        {
          id: '5ac21346-8e0c-4494-8e7a-3eb92ff77902',
          text: 'Frontend Engineer',
          categories: { commitment: 'Full-time', department: 'R&D', location: 'Amsterdam', team: 'Web' },
          createdAt: Date.parse('2026-11-15T12:00:00Z'),
          hostedUrl: `https://jobs.lever.co/${JOBS_SITE.leverCompany}/5ac21346`,
          applyUrl: `https://jobs.lever.co/${JOBS_SITE.leverCompany}/5ac21346/apply`,
          descriptionPlain: 'Build our planner.',
          lists: [],
          additionalPlain: '',
        },
      ]);
    if (url.pathname === `/recruitee/${JOBS_SITE.recruiteeCompany}/api/offers/`)
      return json(200, {
        offers: [
          {
            id: 991,
            slug: 'accountmanager',
            title: 'Accountmanager MKB',
            status: 'published',
            department: 'Sales',
            city: 'Utrecht',
            country_code: 'NL',
            published_at: '2026-11-28 08:00:00 UTC',
            created_at: '2026-11-27 16:00:00 UTC',
            careers_url: `https://${JOBS_SITE.recruiteeCompany}.recruitee.com/o/accountmanager`,
          },
        ],
      });
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  return server;
}
