import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shippedPeople } from '../../platform/shipped-routing';
import { parseCrmMappingYaml } from './mapping';

const shipped = readFileSync('config/crm-mapping.yaml', 'utf8');
const people = [...shippedPeople().keys()];

describe('CRM mapping file', () => {
  it('accepts the shipped file for either CRM with the people of team.yaml', () => {
    // Act
    const hubspot = parseCrmMappingYaml(shipped, { crm: 'hubspot', people });
    const pipedrive = parseCrmMappingYaml(shipped, { crm: 'pipedrive', people });

    // Assess
    expect(hubspot.hubspot?.deal.leadIdProperty).toBe('lq_lead_id');
    expect(pipedrive.pipedrive?.deal.pipelineId).toBe(1);
  });

  it('names the field at fault: an unknown field key, an unknown person, a missing CRM section', () => {
    // Prepare
    const badField = shipped.replace('lq_tier: score.tier', 'lq_tier: score.teir');
    const badOwner = shipped.replace('rep-anna: "75500001"', 'rep-nobody: "75500001"');
    const noPipedrive = shipped.slice(0, shipped.indexOf('\npipedrive:'));

    // Act / Assess
    expect(() => parseCrmMappingYaml(badField, { crm: 'hubspot', people })).toThrow(
      /hubspot\.properties\.(contact|deal)\.lq_tier: unknown field "score\.teir"/,
    );
    expect(() => parseCrmMappingYaml(badOwner, { crm: 'hubspot', people })).toThrow(
      /hubspot\.owners\.rep-nobody: unknown person/,
    );
    expect(() => parseCrmMappingYaml(noPipedrive, { crm: 'pipedrive', people })).toThrow(
      /pipedrive: required when CRM=pipedrive/,
    );
  });
});
