import { describe, expect, it } from 'vitest';
import type { Person } from '../route/team';
import { appRoleForTeamRole, groupsOf, principalFromClaims } from './principal';

const people = new Map<string, Person>([
  [
    'rep-anna',
    {
      id: 'rep-anna',
      name: 'Anna',
      email: 'anna@example.com',
      title: 'AE',
      role: 'rep',
      languages: ['nl'],
      outOfOffice: [],
    } as unknown as Person,
  ],
]);

describe('principalFromClaims', () => {
  it('reads the role from cognito:groups in every form API Gateway may pass', () => {
    // Prepare / Act / Assess
    expect(groupsOf({ 'cognito:groups': ['sales', 'manager'] })).toEqual(['sales', 'manager']);
    expect(groupsOf({ 'cognito:groups': '[sales manager]' })).toEqual(['sales', 'manager']);
    const r = principalFromClaims(
      { 'custom:personId': 'rep-anna', 'cognito:groups': '[sales manager]' },
      people,
    );
    expect(r).toEqual({ personId: 'rep-anna', role: 'manager', name: 'Anna', email: 'anna@example.com' });
  });

  it('falls back to cognito:username for the person id', () => {
    // Prepare / Act
    const r = principalFromClaims({ 'cognito:username': 'rep-anna', 'cognito:groups': ['sales'] }, people);
    // Assess
    expect(r.role).toBe('sales');
  });

  it('refuses as unauthorized without claims and forbidden for unknown people or missing roles', () => {
    // Prepare / Act / Assess
    expect(() => principalFromClaims(undefined, people)).toThrow(
      expect.objectContaining({ kind: 'unauthorized' }),
    );
    expect(() =>
      principalFromClaims({ 'cognito:username': 'nobody', 'cognito:groups': ['sales'] }, people),
    ).toThrow(expect.objectContaining({ kind: 'forbidden' }));
    expect(() =>
      principalFromClaims({ 'cognito:username': 'rep-anna', 'cognito:groups': ['admins'] }, people),
    ).toThrow(expect.objectContaining({ kind: 'forbidden' }));
  });

  it('maps team.yaml roles to app roles', () => {
    expect(
      ['rep', 'manager', 'marketing', 'ops'].map((r) => appRoleForTeamRole(r as Person['role'])),
    ).toEqual(['sales', 'manager', 'ops', 'ops']);
  });
});
