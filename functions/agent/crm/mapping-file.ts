/**
 * Reads `config/crm-mapping.yaml` (or `CRM_MAPPING_FILE`) once per container and validates it against the
 * configured CRM and the people of team.yaml. The only I/O of the CRM mapping.
 */
import { readBundledFile } from '../bundled-file';
import { type CrmMapping, parseCrmMappingYaml } from './mapping';

export const loadCrmMappingFile = (
  options: { path?: string; crm?: 'hubspot' | 'pipedrive' | 'none'; people?: readonly string[] } = {},
): CrmMapping =>
  parseCrmMappingYaml(readBundledFile('config/crm-mapping.yaml', options.path, 'CRM_MAPPING_FILE'), {
    crm: options.crm,
    people: options.people,
  });
