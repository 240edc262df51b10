import { deferInLoop } from './deferInLoop';
import { goroutineStuckOnChannel } from './goroutineStuckOnChannel';
import { httpBodyNotClosed } from './httpBodyNotClosed';
import type { Rule } from './rule';
import { selectWithoutCtxDone } from './selectWithoutCtxDone';

/** Every rule, in the order their findings are produced. The one list of rules: nothing else names them. */
export const RULES = [deferInLoop, selectWithoutCtxDone, httpBodyNotClosed, goroutineStuckOnChannel] as const;

export type RuleId = (typeof RULES)[number]['id'];

export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}

export function ruleById(id: RuleId): Rule<RuleId> {
  const rule = RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`unknown rule ${id}`);
  return rule;
}

export const RULE_DOCS_BASE_URL = 'https://github.com/goroscope/goroscope/blob/main/';

/** The rule's page on the project's site (diagnostics' code links, SARIF helpUri). */
export function ruleDocUrl(id: RuleId): string {
  return `${RULE_DOCS_BASE_URL}${ruleById(id).docs}`;
}
