/** The false-negative review queue in memory. */
import type { FalseNegativeSample, FalseNegativeStore, ReviewAnswer } from '../insights/false-negatives';

export class InMemoryFalseNegativeStore implements FalseNegativeStore {
  private readonly samples = new Map<string, FalseNegativeSample>();

  async createSample(sample: FalseNegativeSample): Promise<boolean> {
    if (this.samples.has(sample.id)) return false;
    this.samples.set(sample.id, structuredClone(sample));
    return true;
  }

  async getSample(id: string): Promise<FalseNegativeSample | undefined> {
    const s = this.samples.get(id);
    return s ? structuredClone(s) : undefined;
  }

  async listSamples(limit: number): Promise<FalseNegativeSample[]> {
    return [...this.samples.values()]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit)
      .map((s) => structuredClone(s));
  }

  async recordAnswer(id: string, leadId: string, answer: ReviewAnswer): Promise<void> {
    const s = this.samples.get(id);
    if (s) this.samples.set(id, { ...s, answers: { ...s.answers, [leadId]: answer } });
  }
}
