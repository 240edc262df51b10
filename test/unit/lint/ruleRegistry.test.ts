// The rule registry (src/lint/rules/index.ts) is the one list of rules: package.json's settings, the
// README's rule table and the docs pages must say what it says.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RULE_IDS, RULES, ruleDocUrl } from '../../../src/lint/rules';
import { repoRoot } from './fixtureHarness';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { description?: string; items?: { enum?: string[]; markdownEnumDescriptions?: string[] } }> } };
};
const settings = pkg.contributes.configuration.properties;

test('rule ids are unique, lower-kebab-case, with a one-sentence summary and a known severity', () => {
  assert.equal(new Set(RULE_IDS).size, RULE_IDS.length);
  for (const rule of RULES) {
    assert.match(rule.id, /^[a-z]+(-[a-z]+)+$/);
    assert.ok(rule.summary.length > 20 && !rule.summary.endsWith('.'), `${rule.id}: summary is a fragment without a final period`);
    assert.ok(['error', 'warning', 'information', 'hint'].includes(rule.severity));
  }
});

test('every rule has its docs page, fixtures and a test file, and its link points to the page', () => {
  for (const rule of RULES) {
    assert.ok(existsSync(path.join(repoRoot, rule.docs)), `${rule.docs} is missing`);
    assert.match(readFileSync(path.join(repoRoot, rule.docs), 'utf8'), new RegExp(`^# ${rule.id}\\n`));
    assert.ok(existsSync(path.join(repoRoot, 'test', 'fixtures', 'lint', rule.id)), `no fixtures for ${rule.id}`);
    assert.ok(ruleDocUrl(rule.id).endsWith(`/${rule.docs}`));
  }
});

test('package.json: goroscope.lint.disabledRules offers exactly the rules, described by their summaries', () => {
  const items = settings['goroscope.lint.disabledRules']?.items;
  assert.deepEqual(items?.enum, [...RULE_IDS]);
  assert.deepEqual(items?.markdownEnumDescriptions, RULES.map((r) => `${capitalize(r.summary)}.`));
});

test("README: the rule table lists every rule with its docs link, summary and quick fix, in the registry's order", () => {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const rows = readme
    .split('\n')
    .filter((l) => l.startsWith('| [`'))
    .map((l) => /^\| \[`([^`]+)`\]\(([^)]+)\) \| (.+) \| (.+) \|$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ id: m[1], docs: m[2], summary: m[3], quickFix: m[4] }));
  assert.deepEqual(
    rows,
    RULES.map((r) => ({ id: r.id, docs: r.docs, summary: r.summary, quickFix: r.quickFix ?? '—' })),
  );
});

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
