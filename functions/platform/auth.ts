/** The caller of an authorized route, from the JWT authorizer's claims (see functions/agent/auth/principal.ts). */
import { type Principal, principalFromClaims, privacyOfficerFromClaims } from '../agent/auth/principal';
import type { HttpEvent } from './http';
import { shippedPeople } from './shipped-routing';

export const principalOf = (event: HttpEvent): Principal =>
  principalFromClaims(event.requestContext.authorizer?.jwt?.claims, shippedPeople());

/** A privacy officer (group ops or privacy) calling an authorized route. */
export const privacyOfficerOf = (event: HttpEvent) =>
  privacyOfficerFromClaims(event.requestContext.authorizer?.jwt?.claims, shippedPeople());
