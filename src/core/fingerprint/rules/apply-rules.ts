/**
 * Grouping rules applied to one crashing stack: which frames are the program's own, which count,
 * where the signature starts, which mechanism fired, each decision with the rule that made it.
 */
import type { CrashAnalysis, Frame, FrameExplanation, FrameNote } from '../../../shared/model';
import { fileName, isGuessed } from '../../../shared/frame-label';
import { withTailCalls } from '../../../shared/tail-calls';
import { crashingThread } from '../../../shared/crashing-thread';
import { normalizeFunction, unnamedFrame } from '../normalize';
import type { Action, Matcher, Rule } from './rule-syntax';

/** Machinery counts only in the run at the top of a stack: at most this many other frames between. */
const MACHINERY_GAP = 2;
/** At most this many library frames lead a signature before the program's own frame. */
const MAX_LIBRARY_FRAMES = 3;
const MAX_CYCLE = 8;

export interface FrameState {
  frame: Frame;
  /** The normalized name grouping compares: the function, or the module for a frame without one. */
  name: string;
  app: boolean;
  counts: boolean;
  machinery: boolean;
  leading: boolean;
  sentinel: boolean;
  prefix: boolean;
  title: boolean;
  notes: FrameNote[];
}

export interface RuledStack {
  frames: FrameState[];
  mechanism: { name: string; line: number | null };
  /** Frames left out before the structure was read: found by scanning the stack, a guess. */
  scanned: number;
  fixed: { values: string[]; line: number } | null;
}

const note = (rule: Rule, action: Action, effect: string): FrameNote => ({ line: rule.line, rule: rule.text, action: action.text, effect });

function frameValues(state: FrameState, field: Matcher['field']): string[] {
  const { frame } = state;
  switch (field) {
    case 'function':
      return [frame.function === null ? '' : state.name];
    case 'module':
      return frame.module ? [frame.module, fileName(frame.module)] : [''];
    case 'path':
      return frame.file ? [frame.file, fileName(frame.file)] : [''];
    case 'app':
      return [state.app ? 'yes' : 'no'];
    case 'trust':
      return [frame.trust ?? 'debugger'];
    case 'symbolized':
      return [frame.function === null ? 'no' : 'yes'];
    case 'family':
      // Sentry's families: Go compiles to native code; Python has none of its own there.
      return [frame.language === 'javascript' ? 'javascript' : frame.language === 'python' ? 'other' : 'native'];
    default:
      return [''];
  }
}

function matches(rule: Rule, state: FrameState, crash: { mechanism: string; signal: string }): boolean {
  return rule.matchers.every((m) => {
    const values = m.field === 'mechanism' ? [crash.mechanism] : m.field === 'signal' ? [crash.signal] : frameValues(state, m.field);
    return values.some((v) => m.test(v)) !== m.negated;
  });
}

function initial(frame: Frame): FrameState {
  return {
    frame,
    name: frame.function ? normalizeFunction(frame.function) : unnamedFrame(frame),
    app: true,
    counts: true,
    machinery: false,
    leading: false,
    sentinel: false,
    prefix: false,
    title: false,
    notes: [],
  };
}

/** Runs every rule over the crashing stack, in the order written. */
export function applyRules(rules: Rule[], crash: Pick<CrashAnalysis, 'threads'> & Partial<Pick<CrashAnalysis, 'signal'>>): RuledStack {
  const all = crashingThread(crash)?.frames ?? [];
  // Tail calls inferred between frames count as frames where they are certain: an -O2 build then
  // groups with the -O0 one that kept them.
  const frames = withTailCalls(all)
    .filter((f) => !isGuessed(f) && !f.pastMain && f.tailCall?.certain !== false)
    .map(initial);
  const signal = crash.signal?.name ?? 'unknown';
  let mechanism: RuledStack['mechanism'] = { name: `signal:${signal}`, line: null };
  // The first mechanism rule that matches a frame decides, so the list reads strongest first.
  outer: for (const rule of rules) {
    const action = rule.actions.find((a) => a.kind === 'mechanism');
    if (action?.kind !== 'mechanism') continue;
    for (const state of frames) {
      if (!matches(rule, state, { mechanism: mechanism.name, signal })) continue;
      mechanism = { name: action.name, line: rule.line };
      state.notes.push(note(rule, action, `the mechanism is ${action.name}`));
      break outer;
    }
  }
  const context = { mechanism: mechanism.name, signal };
  let fixed: RuledStack['fixed'] = null;
  for (const rule of rules) {
    frames.forEach((state, index) => {
      if (!matches(rule, state, context)) return;
      for (const action of rule.actions) {
        switch (action.kind) {
          case 'app':
          case 'group': {
            const targets = action.scope === 'self' ? [state] : action.scope === 'above' ? frames.slice(0, index) : frames.slice(index + 1);
            const what =
              action.kind === 'app' ? (action.value ? "the program's own" : "not the program's own") : action.value ? 'counts' : 'left out';
            for (const target of targets) {
              if (action.kind === 'app') target.app = action.value;
              else target.counts = action.value;
              target.notes.push(note(rule, action, action.scope === 'self' ? what : `${what} (${action.scope} ${state.name})`));
            }
            break;
          }
          case 'machinery':
          case 'leading':
          case 'sentinel':
          case 'prefix':
          case 'title':
            state[action.kind] = true;
            state.notes.push(note(rule, action, MARK_EFFECTS[action.kind]));
            break;
          case 'fingerprint':
            fixed = { values: action.values, line: rule.line };
            state.notes.push(note(rule, action, `the crash is fingerprinted as ${action.values.join(' ')}`));
            break;
          case 'mechanism':
            break;
        }
      }
    });
  }
  return { frames, mechanism, scanned: all.length - frames.length, fixed };
}

const MARK_EFFECTS = {
  machinery: 'crash machinery: near the top, it and the frames above it are left out',
  leading: 'left out while it leads the stack',
  sentinel: 'the signature starts here',
  prefix: 'the signature goes on past it',
  title: 'titles the group',
};

/**
 * The recursion cycle at the top of a stack, rotated to a canonical start: an overflow in
 * ping→pong→ping is one bug whichever of the two the stack happened to end in.
 */
export function topCycle(names: string[]): string[] | null {
  for (let period = 1; period <= MAX_CYCLE && period * 2 <= names.length; period++) {
    const cycle = names.slice(0, period);
    if (names.slice(period, 2 * period).join('\0') !== cycle.join('\0')) continue;
    const rotations = cycle.map((_, i) => [...cycle.slice(i), ...cycle.slice(0, i)]);
    rotations.sort((a, b) => a.join('\0').localeCompare(b.join('\0')));
    return rotations[0] ?? cycle;
  }
  return null;
}

/** Sets why each frame that is not significant was left out, and returns the significant ones. */
export function significantFrames(frames: FrameState[], out: Map<FrameState, string>): FrameState[] {
  let start = 0;
  let gap = 0;
  // Machinery is what the crash went through on its way out, so something of the program's sits
  // below it: a run of it at the stack's outer end is where the thread started (a C library
  // without symbols, as 32-bit ones often are, names no start_thread), never the crash's way out.
  let outerEnd = frames.length;
  while (outerEnd > 0 && (frames[outerEnd - 1] as FrameState).machinery) outerEnd--;
  for (let i = 0; i < outerEnd && gap <= MACHINERY_GAP; i++) {
    if ((frames[i] as FrameState).machinery) {
      start = i + 1;
      gap = 0;
    } else gap++;
  }
  frames.slice(0, start).forEach((f, i) => out.set(f, i === start - 1 ? 'crash machinery' : 'above the crash machinery'));
  let rest = frames.slice(start);
  while (rest.length > 1 && rest[0]?.leading) out.set(rest.shift() as FrameState, 'leads the stack after the machinery');
  const sentinel = rest.findIndex((f) => f.sentinel);
  if (sentinel > 0) {
    rest.slice(0, sentinel).forEach((f) => out.set(f, 'above the sentinel'));
    rest = rest.slice(sentinel);
  }
  const kept = rest.filter((f) => f.counts);
  for (const f of rest) if (!f.counts) out.set(f, 'a rule leaves it out');
  if (kept.length > 0) return kept;
  const first = rest.slice(0, 1);
  for (const f of first) out.delete(f);
  return first;
}

/** The signature's frames and, for each frame, whether and why it is in it. */
export function signatureOf(significant: FrameState[]): { names: string[]; used: Set<FrameState>; cycle: boolean } {
  const cycle = topCycle(significant.map((f) => f.name));
  if (cycle) return { names: cycle, used: new Set(significant.slice(0, cycle.length)), cycle: true };
  const names: string[] = [];
  const used = new Set<FrameState>();
  for (const f of significant) {
    if (names.at(-1) !== f.name) names.push(f.name);
    used.add(f);
    if ((f.app && !f.prefix) || names.length > MAX_LIBRARY_FRAMES) break;
  }
  return { names, used, cycle: false };
}

/** One frame's part in the fingerprint, as `crashwb explain` and the crash view show it. */
export function explainFrame(state: FrameState, verdict: FrameExplanation['verdict'], reason: string): FrameExplanation {
  return {
    index: state.frame.index,
    name: state.name,
    app: state.app,
    verdict,
    reason,
    notes: state.notes,
  };
}
