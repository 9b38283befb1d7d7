/**
 * Function-name normalization for grouping, after Socorro's signature rules, satyr's normalize.c
 * and Sentry's trim_native_function_name: what varies between builds of the same code goes,
 * what tells two functions apart stays.
 */
import type { Frame } from '../../shared/model';
import { fileName } from '../../shared/frame-label';

const GCC_CLONE_SUFFIX = /\.(?:cold|isra|constprop|part|lto_priv|clone|localalias|llvm)(?:\.\d+)*$/;
const RUST_HASH = /::h[0-9a-f]{16}$/;
const SYMBOL_VERSION = /@@?[A-Z_]+[\w.]*$/;
const ABI_TAG = /\[abi:\w+\]/g;
/** glibc's internal aliases: __GI_raise is raise, __libc_free is free. */
const GLIBC_ALIAS = /^(?:__GI_)+/;
const LIBC_WRAPPED = /^__libc_(free|malloc|calloc|realloc|memalign|pause|read|write|open|close)$/;

/**
 * glibc's CPU-specific variants of string and memory functions (ifuncs): which one runs depends on
 * the host's CPU, not on the bug.
 */
const IFUNC_VARIANT =
  /^_{0,2}((?:mem|str|stp|wcs|wmem|raw)\w*?)_(?:sse2|ssse3|sse4_[12]|avx2?|avx512\w*|evex\w*|erms|unaligned\w*|aligned|generic|ifunc|nt|rtm|vzeroupper|no_bsf|bsf|power\d+|neon|sve|mte|simd|asimd)(?:_\w+)?$/;

/** Removes a balanced bracketed group that ends at `end` (inclusive); returns its start. */
function groupStart(text: string, end: number, open: string, close: string): number {
  let depth = 0;
  for (let i = end; i >= 0; i--) {
    if (text[i] === close) depth++;
    else if (text[i] === open && --depth === 0) return i;
  }
  return -1;
}

/** `ns::f(int, char const*) const &` → `ns::f`: arguments and qualifiers differ across builds and ABIs. */
function stripParameters(name: string): string {
  let text = name.trim();
  for (;;) {
    const qualifiers = /\s*(?:const|volatile|&&?|noexcept)$/.exec(text);
    if (qualifiers) {
      text = text.slice(0, qualifiers.index);
      continue;
    }
    break;
  }
  if (!text.endsWith(')')) return text;
  const start = groupStart(text, text.length - 1, '(', ')');
  // "(anonymous namespace)" or "{lambda()#1}" end in ")" too but are not parameter lists, and
  // the "()" of "operator()" shown without its parameters is the operator's own name.
  if (start <= 0 || /\((?:anonymous namespace)\)$/.test(text) || /\boperator\(\)$/.test(text)) return text;
  return text.slice(0, start);
}

/** `std::vector<int, std::allocator<int> >::push_back` → `std::vector<T>::push_back`. */
function collapseTemplates(name: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    // "operator<" and "operator<<" are names, not template brackets.
    if (depth === 0 && ch === '<' && /operator\s*<?$/.test(name.slice(0, i))) {
      out += ch;
      continue;
    }
    // V8's `<anonymous>` (a script's top level, an unnamed function) is a name, not template arguments.
    if (depth === 0 && name.startsWith('<anonymous>', i)) {
      out += '<anonymous>';
      i += '<anonymous>'.length - 1;
      continue;
    }
    if (ch === '<') {
      if (depth++ === 0) out += '<T>';
    } else if (ch === '>' && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}

/** Drops a leading return type: `int ns::f` → `ns::f`, `std::string foo::bar` → `foo::bar`. */
function stripReturnType(name: string): string {
  const space = name.lastIndexOf(' ', name.search(/\(|$/));
  if (space === -1 || name.startsWith('{') || /operator\b/.test(name.slice(0, space + 1))) return name;
  const head = name.slice(0, space);
  return /^[\w:<>*&, ]+$/.test(head) && !head.endsWith('(anonymous') ? name.slice(space + 1) : name;
}

const RUST_ESCAPES: Record<string, string> = {
  LT: '<',
  GT: '>',
  C: ',',
  RF: '&',
  BP: '*',
  SP: '@',
  u20: ' ',
  u27: "'",
  u5b: '[',
  u5d: ']',
  u7b: '{',
  u7d: '}',
  u7e: '~',
};

/** Rust's legacy mangling, as some debuggers leave it: `Result$LT$T$C$E$GT$..expect`. */
function demangleRustLegacy(name: string): string {
  if (!name.includes('$')) return name;
  return name.replace(/\$([A-Za-z0-9]+)\$/g, (all, code: string) => RUST_ESCAPES[code] ?? all).replace(/\.\./g, '::');
}

/**
 * A lambda's call operator, as one name whatever spelled it: gcc's `{lambda(int)#1}`, clang's
 * `$_0`, lldb's `'lambda'(int)`, and gcc's DWARF, which names the operator `operator()` alone.
 * The scope it is written in goes too: gcc gives none, and the compilers spell an enclosing
 * function's parameters apart. The `+prefix` default rule then takes its caller into the
 * signature, which tells one lambda from another.
 */
function unifyLambdas(name: string): string {
  const unified = name
    .replace(/\{lambda\([^)]*\)#\d+\}/g, '{lambda}')
    .replace(/'lambda\d*'\([^)]*\)/g, '{lambda}')
    .replace(/(^|::)\$_\d+(?=::|$)/g, '$1{lambda}');
  if (unified === 'operator()') return '{lambda}::operator()';
  const at = unified.lastIndexOf('{lambda}::');
  return at > 0 ? unified.slice(at) : unified;
}

/** `` `anonymous namespace' `` (MSVC) is `(anonymous namespace)` (gcc, clang). */
const MSVC_ANONYMOUS = /`anonymous namespace'/g;

/** A name wholly in brackets is a name, not template arguments: gdb's `<signal handler called>`, Python's `<module>` and `<listcomp>`. */
const BRACKETED_NAME = /^<[^<>]*>$/;

export function normalizeFunction(raw: string): string {
  if (BRACKETED_NAME.test(raw.trim())) return raw.trim();
  let name = raw
    .trim()
    .replace(MSVC_ANONYMOUS, '(anonymous namespace)')
    .replace(GLIBC_ALIAS, '')
    .replace(SYMBOL_VERSION, '')
    .replace(RUST_HASH, '')
    .replace(ABI_TAG, '');
  while (GCC_CLONE_SUFFIX.test(name)) name = name.replace(GCC_CLONE_SUFFIX, '');
  name = demangleRustLegacy(name);
  name = stripParameters(name);
  name = collapseTemplates(name);
  name = stripReturnType(name);
  name = unifyLambdas(name).replace(/\{closure#\d+\}/g, '{closure}');
  name = name.replace(/::\{\{closure\}\}/g, '::{closure}');
  name = name.replace(/\bstd::__cxx11::/g, 'std::').replace(/\bstd::__1::/g, 'std::');
  const ifunc = IFUNC_VARIANT.exec(name);
  if (ifunc?.[1]) return ifunc[1];
  return name.replace(GLIBC_ALIAS, '').replace(LIBC_WRAPPED, '$1').replace(/\s+/g, ' ').trim();
}

/** A frame without a symbol is named by its module, never by an address that changes per run. */
export function moduleName(path: string | null): string {
  if (!path) return '<unknown module>';
  return fileName(path);
}

/**
 * A frame without a function, as grouping counts it: by module and offset where the offset was
 * kept (minidumps: one build's code at one place), else by module alone.
 */
export function unnamedFrame(frame: Pick<Frame, 'module' | 'moduleOffset'>): string {
  return frame.moduleOffset ? `${moduleName(frame.module)}+${frame.moduleOffset}` : moduleName(frame.module);
}
