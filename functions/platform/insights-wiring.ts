/** What the insights handlers share: the routed leads (byOwner index) and the sales threshold in force. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LeadRecord } from '../agent/lead-record';
import { compileRulesVersion, routingOfVersions } from '../agent/ops-config/versions';
import type { Tier } from '../agent/qualification';
import { routedLeads } from './lead-store-history';
import { configVersions } from './shipped-config';
import { shippedPeople } from './shipped-routing';

export const insightsSources = (db: DynamoDBDocumentClient, table: string) => {
  const versions = configVersions(db, table);
  return {
    /** The published scoring rules, compiled. */
    async publishedRules() {
      const v = await versions.published('rules');
      return compileRulesVersion(v.yaml, v.version);
    },
    /** The published routing's threshold (below it: nurture) and every routed lead. */
    async leadsAndThreshold(): Promise<{ records: LeadRecord[]; qualifiedFrom: Tier; owners: number }> {
      const [routing, team] = await Promise.all([versions.published('routing'), versions.published('team')]);
      const setup = routingOfVersions(routing, team);
      const people = [...new Set([...shippedPeople().keys(), ...setup.teams.people.keys(), 'unassigned'])];
      const records = await routedLeads(db, table, people);
      const minTier = setup.routing.threshold.minTier;
      return { records, qualifiedFrom: minTier === 'cold' ? 'warm' : minTier, owners: people.length };
    },
  };
};
