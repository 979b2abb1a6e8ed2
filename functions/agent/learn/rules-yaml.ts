/**
 * Writes a rules file as YAML a person can read and edit: the same layout as config/scoring-rules.yaml
 * (one rule per block, conditions in flow style), with comments above the file, above groups of rules
 * and above single rules. `loadRules` reads the result back to the same rules.
 */
import type { Condition, Rule, RulesFile } from '../score/rules';

const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;
const PLAIN = /^[A-Za-z][A-Za-z0-9 _.\-/&+()'–—…]*$/;

/** A YAML scalar: plain when that cannot be misread, else a double-quoted (JSON) string. */
export function yamlScalar(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
  if (typeof v === 'boolean') return String(v);
  if (PLAIN.test(v) && !RESERVED.test(v) && !v.endsWith(' ') && !v.includes(' #') && !v.includes(': '))
    return v;
  return JSON.stringify(v);
}

/** A condition in flow style: `{ fact: employees, between: [10, 200] }`. */
export function flowCondition(c: Condition): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(c)) {
    if (v === undefined) continue;
    if (k === 'all' || k === 'any') parts.push(`${k}: [${(v as Condition[]).map(flowCondition).join(', ')}]`);
    else if (k === 'not') parts.push(`not: ${flowCondition(v as Condition)}`);
    else if (Array.isArray(v)) parts.push(`${k}: [${v.map((x) => yamlScalar(x as string)).join(', ')}]`);
    else parts.push(`${k}: ${yamlScalar(v as string)}`);
  }
  return `{ ${parts.join(', ')} }`;
}

const commentLines = (lines: readonly string[] | undefined, indent = ''): string[] =>
  (lines ?? []).flatMap((l) => l.split('\n')).map((l) => (l ? `${indent}# ${l}` : `${indent}#`));

export interface YamlComments {
  /** Lines above the file. */
  readonly header?: readonly string[];
  /** Lines above the rule with this id (a group heading goes on its first rule). */
  readonly beforeRule?: ReadonlyMap<string, readonly string[]>;
}

function ruleBlock(r: Rule): string[] {
  const lines = [
    `  - id: ${r.id}`,
    `    axis: ${r.axis}`,
    `    points: ${r.points}`,
    `    reason: ${yamlScalar(r.reason)}`,
  ];
  if (r.reasonNl) lines.push(`    reasonNl: ${yamlScalar(r.reasonNl)}`);
  lines.push(`    when: ${flowCondition(r.when)}`);
  if (r.decay)
    lines.push(
      `    decay: { ${Object.entries(r.decay)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}: ${yamlScalar(v as string | number)}`)
        .join(', ')} }`,
    );
  return lines;
}

/** The YAML text of a rules file. */
export function renderRulesYaml(file: RulesFile, comments: YamlComments = {}): string {
  const out: string[] = ['# yaml-language-server: $schema=./scoring-rules.schema.json'];
  if (comments.header?.length) out.push('#', ...commentLines(comments.header));
  out.push(`version: ${JSON.stringify(file.version)}`, '');
  const s = file.settings;
  out.push('settings:', `  timeZone: ${yamlScalar(s.timeZone)}`);
  if (s.timeZonesByCountry && Object.keys(s.timeZonesByCountry).length > 0) {
    out.push('  timeZonesByCountry:');
    for (const [c, z] of Object.entries(s.timeZonesByCountry)) out.push(`    ${c}: ${yamlScalar(z)}`);
  }
  out.push(
    '  officeHours:',
    `    days: [${s.officeHours.days.join(', ')}]`,
    `    start: "${s.officeHours.start}"`,
    `    end: "${s.officeHours.end}"`,
    '',
  );
  const cap = (c: number | null) => `{ cap: ${c === null ? 'null' : c} }`;
  out.push(
    'axes:',
    `  fit: ${cap(file.axes.fit.cap)}`,
    `  intent: ${cap(file.axes.intent.cap)}`,
    `  engagement: ${cap(file.axes.engagement.cap)}`,
    '',
  );
  const range = (r: readonly [number, number | null]) => `[${r[0]}, ${r[1] === null ? 'null' : r[1]}]`;
  out.push(
    'tiers:',
    `  cold: ${range(file.tiers.cold)}`,
    `  warm: ${range(file.tiers.warm)}`,
    `  hot: ${range(file.tiers.hot)}`,
    '',
    'quadrant:',
    `  intentHigh: ${file.quadrant.intentHigh}`,
    `  engagementHigh: ${file.quadrant.engagementHigh}`,
    '',
  );
  if (file.customFacts && Object.keys(file.customFacts).length > 0) {
    out.push('customFacts:');
    for (const [name, d] of Object.entries(file.customFacts)) {
      const parts = [`kind: ${d.kind}`, `from: [${d.from.map(yamlScalar).join(', ')}]`];
      if (d.label) parts.push(`label: ${yamlScalar(d.label)}`);
      if (d.missing?.length) parts.push(`missing: [${d.missing.map(yamlScalar).join(', ')}]`);
      out.push(`  ${name}: { ${parts.join(', ')} }`);
    }
    out.push('');
  }
  out.push('rules:');
  file.rules.forEach((r, i) => {
    const before = comments.beforeRule?.get(r.id);
    if (before?.length) {
      if (i > 0) out.push('');
      out.push(...commentLines(before, '  '));
    }
    out.push(...ruleBlock(r));
  });
  return `${out.join('\n')}\n`;
}
