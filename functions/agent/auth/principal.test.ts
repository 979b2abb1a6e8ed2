import { describe, expect, it } from 'vitest';
import type { Person } from '../route/team';
import { appRoleForTeamRole, groupsOf, principalFromClaims } from './principal';

const person = (id: string, name: string) =>
  ({
    id,
    name,
    email: `${id}@example.com`,
    title: 'AE',
    role: 'rep',
    languages: ['nl'],
    outOfOffice: [],
  }) as unknown as Person;
const people = new Map<string, Person>([
  ['rep-anna', { ...person('rep-anna', 'Anna'), email: 'anna@example.com' } as Person],
  ['rep-bram', person('rep-bram', 'Bram')],
]);

describe('principalFromClaims', () => {
  it('reads the role from cognito:groups in every form API Gateway may pass', () => {
    // Prepare / Act / Assess
    expect(groupsOf({ 'cognito:groups': ['sales', 'manager'] })).toEqual(['sales', 'manager']);
    expect(groupsOf({ 'cognito:groups': '[sales manager]' })).toEqual(['sales', 'manager']);
    const r = principalFromClaims(
      { 'cognito:username': 'rep-anna', 'cognito:groups': '[sales manager]' },
      people,
    );
    expect(r).toEqual({ personId: 'rep-anna', role: 'manager', name: 'Anna', email: 'anna@example.com' });
  });

  it('reads the person from the user name of an ID token or an access token', () => {
    // Prepare / Act
    const idToken = principalFromClaims(
      { 'cognito:username': 'rep-anna', 'cognito:groups': ['sales'] },
      people,
    );
    const accessToken = principalFromClaims({ username: 'rep-anna', 'cognito:groups': ['sales'] }, people);
    // Assess
    expect(idToken).toMatchObject({ personId: 'rep-anna', role: 'sales' });
    expect(accessToken.personId).toBe('rep-anna');
  });

  it('attack: a rep who wrote custom:personId = rep-anna on their own account stays themselves', () => {
    // Prepare: Bram's token after `update-user-attributes custom:personId=rep-anna` and a refresh
    const forged = {
      'cognito:username': 'rep-bram',
      'custom:personId': 'rep-anna',
      email: 'anna@example.com',
      name: 'Anna',
      'cognito:groups': ['sales'],
    };
    // Act
    const r = principalFromClaims(forged, people);
    // Assess: the API acts (and audits) as Bram, never as Anna
    expect(r).toEqual({ personId: 'rep-bram', role: 'sales', name: 'Bram', email: 'rep-bram@example.com' });
  });

  it('attack: a token with only a user-writable person attribute is not linked to anyone', () => {
    // Prepare / Act / Assess
    expect(() =>
      principalFromClaims({ 'custom:personId': 'rep-anna', 'cognito:groups': ['manager'] }, people),
    ).toThrow(expect.objectContaining({ kind: 'forbidden' }));
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
