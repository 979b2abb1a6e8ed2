/**
 * Submits the sample leads shipped in `samples/leads/` (one file per webform shape: own JSON, HubSpot,
 * Typeform, Webflow, Tally, a plain urlencoded form) to a running stack, so a newcomer sees leads flow
 * through qualification and drafting into the inbox within a minute of `npm start`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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
      body: readFileSync(join(dir, file), 'utf8'),
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
