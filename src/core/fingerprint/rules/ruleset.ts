import { createHash } from 'node:crypto';
import { DEFAULT_RULES } from './default-rules';
import { parseRules, type Rule, type RuleError } from './rule-syntax';

/** Grouping rules ready to apply, named by their text. */
export interface Ruleset {
  /** "default" for the built-in rules; otherwise the first 12 hex digits of the text's sha256. */
  id: string;
  text: string;
  rules: Rule[];
}

export class RulesError extends Error {
  constructor(
    readonly source: string,
    readonly errors: RuleError[],
  ) {
    super(
      `${source} has ${errors.length === 1 ? 'an error' : `${errors.length} errors`}:\n${errors
        .map((e) => `  line ${e.line}: ${e.message}`)
        .join('\n')}`,
    );
  }
}

/** Compiles a rules text; `source` names it in errors (a file's path). Any bad line fails it whole. */
export function compileRules(text: string, source: string): Ruleset {
  const { rules, errors } = parseRules(text);
  if (errors.length > 0) throw new RulesError(source, errors);
  const id = text === DEFAULT_RULES ? 'default' : createHash('sha256').update(text).digest('hex').slice(0, 12);
  return { id, text, rules };
}

let defaults: Ruleset | null = null;

/** The built-in rules, compiled once. */
export function defaultRuleset(): Ruleset {
  defaults ??= compileRules(DEFAULT_RULES, 'the default rules');
  return defaults;
}
