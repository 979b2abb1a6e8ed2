import { receiveSubmission } from '../functions/agent/pipeline/accept-lead';
import { InMemoryLeadStore } from '../functions/agent/testing/memory-store';
import { memoryTokenBuckets } from '../functions/platform/rate-limit-memory';
import { shippedIntakeSettings } from '../functions/platform/shipped-intake';

const settings = shippedIntakeSettings();
const deps = { store: new InMemoryLeadStore(), rateLimiter: memoryTokenBuckets(), settings, secrets: {}, rates: { perSource: 1e9, perClient: 1e9, spamPerSource: 1e9 }, dedupWindowSeconds: 600, clock: () => performance.now() };
const body = (n: number) => JSON.stringify({ email: `bench.${n}@acme-bench-${n % 97}.nl`, firstName: 'Bench', lastName: `Lead ${n}`, company: `Acme Bench ${n % 97}`, employees: '51-200', country: 'NL', formType: 'demo', message: `Benchmark request ${n}: demo for our sales team` });
const req = (n: number) => ({ body: body(n), isBase64Encoded: false, headers: { 'content-type': 'application/json' }, query: {}, method: 'POST', path: '/leads', url: 'https://x/leads', receivedAt: new Date(), clientIp: '1.2.3.4' });
for (let i = 0; i < 300; i++) await receiveSubmission(req(i), deps);
const t0 = performance.now();
for (let i = 300; i < 2300; i++) await receiveSubmission(req(i), deps);
console.log('receiveSubmission ms/call', (performance.now() - t0) / 2000);
