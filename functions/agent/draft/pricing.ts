/**
 * USD per 1M tokens (input, output) for models we have priced. Matched on the longest prefix of the model
 * name the API reports ("gpt-4o-mini-2024-07-18" → "gpt-4o-mini"). Prices change: keep this table current;
 * a model missing from it costs 0 with a note, so it shows up in reports rather than failing a lead.
 */
export const PRICE_PER_MILLION_USD: Record<string, { input: number; output: number }> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5': { input: 1.25, output: 10 },
};

export function costOf(
  model: string,
  promptTokens: number,
  completionTokens: number,
): { costUsd: number; costNote?: string } {
  const key = Object.keys(PRICE_PER_MILLION_USD)
    .filter((k) => model === k || model.startsWith(`${k}-`))
    .sort((a, b) => b.length - a.length)[0];
  if (!key) return { costUsd: 0, costNote: `no price for model "${model}" in the price table` };
  const price = PRICE_PER_MILLION_USD[key]!;
  const cost = (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
  return { costUsd: Math.round(cost * 1e8) / 1e8 };
}
