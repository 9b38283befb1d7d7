/**
 * Breakpad's postfix expressions, in which STACK CFI rules and STACK WIN programs are written:
 * numbers, registers ($rsp, x29, .cfa), + - * / % @ (align down), ^ (read a word) and, in
 * programs, = (assign). Arithmetic wraps at the word size, as on the machine.
 */
export interface PostfixContext {
  /** A register's or variable's value, or null when it is not known. */
  value(name: string): bigint | null;
  /** A word of the dump's memory, or null when the dump did not keep it. */
  read(address: bigint): bigint | null;
  word: 4 | 8;
}

const MAX_TOKENS = 256;
const NUMBER = /^-?(?:0x[0-9a-fA-F]+|\d+)$/;

const register = (token: string): string => (token.startsWith('$') ? token.slice(1) : token);

function apply(op: string, a: bigint, b: bigint, context: PostfixContext): bigint | null {
  const mask = (1n << BigInt(context.word * 8)) - 1n;
  switch (op) {
    case '+':
      return (a + b) & mask;
    case '-':
      return (a - b) & mask;
    case '*':
      return (a * b) & mask;
    case '/':
      return b === 0n ? null : a / b;
    case '%':
      return b === 0n ? null : a % b;
    case '@':
      return b <= 0n ? null : a & ~(b - 1n) & mask;
    default:
      return null;
  }
}

function number(token: string, word: 4 | 8): bigint {
  const negative = token.startsWith('-');
  const value = BigInt(negative ? token.slice(1) : token);
  const mask = (1n << BigInt(word * 8)) - 1n;
  return negative ? -value & mask : value;
}

type Token = bigint | string;

/** The same few rule texts recur in every frame of a walk: each is split once. */
const tokenCache = new Map<string, string[]>();
const TOKEN_CACHE_SIZE = 4096;

function tokensOf(text: string): string[] {
  let tokens = tokenCache.get(text);
  if (!tokens) {
    // MSVC's LTO builds glue the assignment to the next token ("… + =$eip $T0 4 + ^ =$ebp …"):
    // Breakpad reads such a token as "=" and then the rest, and so does this.
    tokens = text
      .split(/\s+/)
      .filter((t) => t !== '')
      .flatMap((t) => (t.length > 1 && t.startsWith('=') ? ['=', t.slice(1)] : [t]));
    if (tokenCache.size >= TOKEN_CACHE_SIZE) tokenCache.clear();
    tokenCache.set(text, tokens);
  }
  return tokens;
}

/** Runs an expression or program; returns the stack's last value and every assignment made. */
export function runPostfix(text: string, context: PostfixContext): { value: bigint | null; assigned: Map<string, bigint> } | null {
  const tokens = tokensOf(text);
  if (tokens.length > MAX_TOKENS) return null;
  const assigned = new Map<string, bigint>();
  const stack: Token[] = [];
  const resolve = (token: Token | undefined): bigint | null => {
    if (token === undefined) return null;
    if (typeof token === 'bigint') return token;
    return assigned.get(register(token)) ?? context.value(register(token));
  };
  for (const token of tokens) {
    if (token === '^') {
      const address = resolve(stack.pop());
      const value = address === null ? null : context.read(address);
      if (value === null) return null;
      stack.push(value);
    } else if (token === '=') {
      const value = resolve(stack.pop());
      const name = stack.pop();
      if (value === null || typeof name !== 'string') return null;
      assigned.set(register(name), value);
    } else if (token.length === 1 && '+-*/%@'.includes(token)) {
      const b = resolve(stack.pop());
      const a = resolve(stack.pop());
      const result = a === null || b === null ? null : apply(token, a, b, context);
      if (result === null) return null;
      stack.push(result);
    } else if (NUMBER.test(token)) {
      stack.push(number(token, context.word));
    } else stack.push(token);
  }
  return { value: stack.length > 0 ? resolve(stack.at(-1)) : null, assigned };
}

/** One CFI rule's value, or null when a register or word it needs is not known. */
export function evaluate(expression: string, context: PostfixContext): bigint | null {
  return runPostfix(expression, context)?.value ?? null;
}
