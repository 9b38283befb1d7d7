/**
 * The grouping rules language: one rule a line, matchers then actions, in the form of Sentry's
 * stack trace rules where Sentry has one (`stack.function:std::* -app`, `^-group`, `family:native`).
 *
 *   stack.function:bucket_of -group          a frame that never counts
 *   stack.module:libvendor.so -app           a library that is not the program's own
 *   stack.function:__assert_fail mechanism=assert +machinery
 *   stack.function:dispatch_* +sentinel      the signature starts at this frame
 *   mechanism:abort stack.function:die -> fatal-exit
 */
import { compileGlob, GlobError } from './glob';

export type FrameField = 'function' | 'module' | 'path' | 'app' | 'trust' | 'symbolized' | 'family';
export type CrashField = 'mechanism' | 'signal';

export interface Matcher {
  field: FrameField | CrashField;
  negated: boolean;
  /** As written, for explanations. */
  text: string;
  test(value: string): boolean;
}

export type Scope = 'self' | 'above' | 'below';

export type Action =
  | { kind: 'app' | 'group'; value: boolean; scope: Scope; text: string }
  | { kind: 'machinery' | 'leading' | 'sentinel' | 'prefix' | 'title'; text: string }
  | { kind: 'mechanism'; name: string; text: string }
  | { kind: 'fingerprint'; values: string[]; text: string };

export interface Rule {
  /** 1-based line in the rules text. */
  line: number;
  text: string;
  matchers: Matcher[];
  actions: Action[];
}

export interface RuleError {
  line: number;
  message: string;
}

const FIELDS: Record<string, FrameField | CrashField> = {
  'stack.function': 'function',
  function: 'function',
  'stack.module': 'module',
  module: 'module',
  'stack.package': 'module',
  package: 'module',
  'stack.abs_path': 'path',
  'stack.path': 'path',
  path: 'path',
  'stack.file': 'path',
  file: 'path',
  app: 'app',
  'stack.trust': 'trust',
  'stack.symbolized': 'symbolized',
  family: 'family',
  mechanism: 'mechanism',
  'error.mechanism': 'mechanism',
  signal: 'signal',
};

const YES_NO: Partial<Record<FrameField | CrashField, true>> = { app: true, symbolized: true };
const FAMILIES = ['native', 'javascript', 'jvm', 'other', 'all'];

const FLAG = /^([\^v]?)([+-])(app|group)$/;
const MARKS: Record<string, 'machinery' | 'leading' | 'sentinel' | 'prefix' | 'title'> = {
  '+machinery': 'machinery',
  '-leading': 'leading',
  '+sentinel': 'sentinel',
  '+prefix': 'prefix',
  '+title': 'title',
};

export const FIELD_NAMES = Object.keys(FIELDS);
export const ACTION_NAMES = [
  '+app',
  '-app',
  '+group',
  '-group',
  '^ and v before them',
  ...Object.keys(MARKS),
  'mechanism=NAME',
  '-> VALUE…',
];

/** Splits a line into words: quotes keep spaces, `\"` a quote; `#` outside quotes starts a comment. */
function words(line: string): string[] | string {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '\\' && line[i + 1] === '"') current += line[++i];
      else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') {
      quoted = true;
      started = true;
    } else if (ch === '#' && !started) break;
    else if (/\s/.test(ch)) {
      if (started) out.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (quoted) return 'a quote is opened and never closed';
  if (started) out.push(current);
  return out;
}

function matcher(word: string): Matcher | string {
  const negated = word.startsWith('!');
  const body = negated ? word.slice(1) : word;
  const colon = body.indexOf(':');
  const key = body.slice(0, colon);
  const value = body.slice(colon + 1);
  const field = FIELDS[key];
  if (!field) return `unknown field "${key}"; the fields are ${FIELD_NAMES.join(', ')}`;
  if (YES_NO[field] && value !== 'yes' && value !== 'no') return `${key} takes yes or no, not "${value}"`;
  if (field === 'family') {
    const families = value.split(',');
    const unknown = families.find((f) => !FAMILIES.includes(f));
    if (unknown !== undefined) return `unknown family "${unknown}"; the families are ${FAMILIES.join(', ')}`;
    return { field, negated, text: word, test: (v) => families.includes(v) || families.includes('all') };
  }
  try {
    const pattern = compileGlob(value, field === 'path' || field === 'module');
    return { field, negated, text: word, test: (v) => pattern.test(v) };
  } catch (error) {
    const reason = error instanceof GlobError || error instanceof SyntaxError ? error.message : String(error);
    return `bad glob "${value}" for ${key}: ${reason}`;
  }
}

function action(word: string): Action | string {
  const flag = FLAG.exec(word);
  if (flag) {
    const scope: Scope = flag[1] === '^' ? 'above' : flag[1] === 'v' ? 'below' : 'self';
    return { kind: flag[3] as 'app' | 'group', value: flag[2] === '+', scope, text: word };
  }
  const mark = MARKS[word];
  if (mark) return { kind: mark, text: word };
  const mechanism = /^mechanism=([\w.-]+)$/.exec(word);
  if (mechanism?.[1]) return { kind: 'mechanism', name: mechanism[1], text: word };
  return `unknown action "${word}"; the actions are ${ACTION_NAMES.join(', ')}`;
}

/** Every rule of a rules text, and every line that is not one, with its number. */
export function parseRules(text: string): { rules: Rule[]; errors: RuleError[] } {
  const rules: Rule[] = [];
  const errors: RuleError[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const split = words(raw);
    if (typeof split === 'string') {
      errors.push({ line, message: split });
      return;
    }
    if (split.length === 0) return;
    const arrow = split.indexOf('->');
    const head = arrow >= 0 ? split.slice(0, arrow) : split;
    const rule: Rule = { line, text: raw.trim(), matchers: [], actions: [] };
    for (const word of head) {
      const parsed = word.includes(':') && !FLAG.test(word) ? matcher(word) : action(word);
      if (typeof parsed === 'string') {
        errors.push({ line, message: parsed });
        return;
      }
      if ('field' in parsed) {
        if (rule.actions.length > 0) {
          errors.push({ line, message: `the matcher "${word}" comes after an action; write the matchers first` });
          return;
        }
        rule.matchers.push(parsed);
      } else rule.actions.push(parsed);
    }
    if (arrow >= 0) {
      const values = split.slice(arrow + 1);
      if (values.length === 0) {
        errors.push({ line, message: '-> needs at least one value to fingerprint the crash by' });
        return;
      }
      rule.actions.push({ kind: 'fingerprint', values, text: `-> ${values.join(' ')}` });
    }
    if (rule.matchers.length === 0) errors.push({ line, message: 'a rule needs a matcher first, such as stack.function:NAME' });
    else if (rule.actions.length === 0)
      errors.push({ line, message: `a rule needs an action; the actions are ${ACTION_NAMES.join(', ')}` });
    else rules.push(rule);
  });
  return { rules, errors };
}
