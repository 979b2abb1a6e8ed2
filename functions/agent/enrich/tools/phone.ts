/** The `phone` tool: normalise the form's phone number with libphonenumber-js (E.164, country, line type). */

import type { CountryCode } from 'libphonenumber-js';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import * as z from 'zod';
import { type PhoneFacts, PhoneFactsSchema } from '../../enrichment';
import { EnrichError, type EnrichTool } from '../types';

const PhoneInputSchema = z.object({
  phone: z.string().min(1).max(64),
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
});
export type PhoneInput = z.infer<typeof PhoneInputSchema>;

export function normalisePhone(phone: string, defaultCountry?: string): PhoneFacts | null {
  const parsed = parsePhoneNumberFromString(phone, {
    defaultCountry: (defaultCountry ?? 'NL') as CountryCode,
  });
  if (!parsed?.isPossible()) return null;
  const type = parsed.getType();
  return {
    e164: parsed.number,
    ...(parsed.country && { country: parsed.country }),
    ...(type && { type: type.toLowerCase() }),
  };
}

export const phoneTool: EnrichTool<PhoneInput, PhoneFacts> = {
  name: 'phone',
  input: PhoneInputSchema,
  output: PhoneFactsSchema,
  timeoutMs: 500,
  weight: 0.5,
  prepare(lead) {
    if (!lead.person.phone) return undefined;
    return {
      phone: lead.person.phone,
      ...(lead.company.country && { defaultCountry: lead.company.country }),
    };
  },
  async run(input) {
    const facts = normalisePhone(input.phone, input.defaultCountry);
    if (!facts) throw new EnrichError('phone number could not be parsed');
    return facts;
  },
};
