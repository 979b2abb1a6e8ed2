/**
 * The CRM side of a container, built once from validated config: the configured CRM's adapter (or none),
 * its mapping file (validated against team.yaml), and the DynamoDB stores.
 */

import type { CrmMapping } from '../agent/crm/mapping';
import { loadCrmMappingFile } from '../agent/crm/mapping-file';
import type { CrmChangeFeed, CrmEraser, CrmPort } from '../agent/crm/port';
import { dynamo } from './clients/dynamodb';
import { type CrmConfig, CrmConfigSchema, parseConfig } from './config';
import { HubspotCrm } from './crm-hubspot';
import { PipedriveCrm } from './crm-pipedrive';
import { DynamoCrmStore } from './crm-store-dynamodb';
import { leadsTableName } from './leads-table';
import { shippedPeople } from './shipped-routing';

let config: CrmConfig | undefined;
export const crmConfig = (): CrmConfig => {
  config ??= parseConfig(CrmConfigSchema, process.env);
  return config;
};

let mapping: CrmMapping | undefined;
export const crmMapping = (): CrmMapping => {
  const c = crmConfig();
  mapping ??= loadCrmMappingFile({
    path: c.CRM_MAPPING_FILE,
    crm: c.CRM,
    people: [...shippedPeople().keys()],
  });
  return mapping;
};

/** Builds the adapter of a CRM from config and mapping (tests and the benchmark build their own). */
export const buildCrm = (c: CrmConfig, m: CrmMapping): (CrmPort & CrmChangeFeed & CrmEraser) | undefined => {
  if (c.CRM === 'hubspot')
    return new HubspotCrm({
      accessToken: c.HUBSPOT_ACCESS_TOKEN!,
      baseUrl: c.HUBSPOT_BASE_URL,
      mapping: m.hubspot!,
    });
  if (c.CRM === 'pipedrive')
    return new PipedriveCrm({
      apiToken: c.PIPEDRIVE_API_TOKEN!,
      baseUrl: c.PIPEDRIVE_BASE_URL,
      mapping: m.pipedrive!,
    });
  return undefined;
};

let crm: (CrmPort & CrmChangeFeed & CrmEraser) | undefined | null;
/** The configured CRM's adapter, one per container (its circuit breaker and rate-limit state with it). */
export const crmPort = (): (CrmPort & CrmChangeFeed & CrmEraser) | undefined => {
  if (crm === undefined) crm = buildCrm(crmConfig(), crmMapping()) ?? null;
  return crm ?? undefined;
};

let store: DynamoCrmStore | undefined;
export const crmStore = (): DynamoCrmStore => {
  store ??= new DynamoCrmStore(dynamo, leadsTableName());
  return store;
};
