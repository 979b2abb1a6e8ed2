/** config/company.yaml (or COMPANY_FILE): our company and product as the drafts name them. */

import * as z from 'zod';
import type { SellerInfo } from '../agent/draft/request';
import { PARSE_ONCE } from '../agent/parse-once';
import { parseYamlText } from '../agent/yaml-text';
import { type ShippedPaths, shippedFile } from './shipped-files';

const PlainName = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[\p{L}\p{N} .&'-]+$/u, "letters, digits, spaces and . & ' - only");

export const CompanyFileSchema = z.strictObject({ name: PlainName, product: PlainName });

export const parseCompany = (text: string): SellerInfo => {
  const parsed = CompanyFileSchema.safeParse(parseYamlText(text), PARSE_ONCE);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`company: ${first?.path.join('.') || '(file)'}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
};

export const companyFrom = (paths?: () => ShippedPaths) =>
  shippedFile('config/company.yaml', 'COMPANY_FILE', parseCompany, paths);

export const shippedCompany = companyFrom();
