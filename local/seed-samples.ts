/**
 * Submits the sample leads shipped in `samples/leads/` (one file per webform shape: own JSON, HubSpot,
 * Typeform, Webflow, Tally, a plain urlencoded form) to a running stack, so a newcomer sees leads flow
 * through qualification and drafting into the inbox within a minute of `npm start`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z\b/g;

/**
 * The sample as if it was submitted just now: every UTC instant in it moves by the same amount, so the latest
 * one is `now` and their order and gaps stay (a sample from last month would start its SLA clock overdue).
 * Dates without a time (a wished start date) stay as they are.
 */
export const freshTimestamps = (body: string, now: Date = new Date()): string => {
  const instants = [...body.matchAll(ISO_INSTANT)].map((m) => Date.parse(m[0]));
  if (instants.length === 0) return body;
  const shift = now.getTime() - Math.max(...instants);
  return body.replace(ISO_INSTANT, (iso) => {
    const moved = new Date(Date.parse(iso) + shift).toISOString();
    return iso.includes('.') ? moved : moved.replace(/\.\d{3}Z$/, 'Z');
  });
};

const contentTypeOf = (file: string) =>
  file.endsWith('.urlencoded.txt') ? 'application/x-www-form-urlencoded' : 'application/json';

export const seedSampleLeads = async (
  apiUrl: string,
  dir: string,
): Promise<{ file: string; status: number; leadId?: string }[]> => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') || f.endsWith('.urlencoded.txt'))
    .sort();
  const results: { file: string; status: number; leadId?: string }[] = [];
  for (const file of files) {
    const res = await fetch(`${apiUrl}/leads`, {
      method: 'POST',
      headers: { 'content-type': contentTypeOf(file), 'accept-language': 'nl,en;q=0.8' },
      body: freshTimestamps(readFileSync(join(dir, file), 'utf8')),
    });
    const text = await res.text();
    let leadId: string | undefined;
    try {
      leadId = (JSON.parse(text) as { leadId?: string }).leadId;
    } catch {
      leadId = undefined;
    }
    results.push({ file, status: res.status, ...(leadId ? { leadId } : {}) });
  }
  return results;
};
