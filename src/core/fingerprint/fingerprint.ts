import { createHash } from 'node:crypto';
import type { CrashAnalysis, Frame } from '../../shared/model';
import { ALLOCATOR, MACHINERY, MECHANISMS, SHARED, SYSTEM_MODULE, type Mechanism } from './frame-lists';
import { moduleName, normalizeFunction, unnamedFrame } from './normalize';
import { crashingThread } from '../crashing-thread';
import { fileName } from '../../shared/frame-label';

/** Bumped whenever a change here would group the same crashes differently; see `crashwb regroup`. */
export const FINGERPRINT_VERSION = 1;

/** At most this many library frames lead a signature before the program's own frame. */
const MAX_LIBRARY_FRAMES = 3;
const MAX_CYCLE = 8;
/** Linux's library folders (macOS keeps its own under /usr/lib too), Windows' system folder, macOS's frameworks. */
const SYSTEM_PATH = /^\/(?:usr\/)?lib(?:32|64)?\/|^[A-Za-z]:\\Windows\\|^\/System\/Library\//i;
/** Standard-library code compiled into the program (Rust std, C++ templates): not where the bug is. */
const LIBRARY_NAME = /^(?:<)?(?:core|std|alloc|__gnu_cxx|__cxxabiv1)::|^<[\w:]+ as (?:core|std|alloc)::/;

export interface Fingerprint {
  version: number;
  /** sha256 of the parts below: what groups crashes. */
  hash: string;
  /** Which mechanism fired: assert, panic, …, or the signal for a plain fault. */
  mechanism: Mechanism | `signal:${string}`;
  /** The significant frames, normalized, top first. */
  frames: string[];
  title: string;
  /** Source location of the top significant frame, for titles; not part of the hash. */
  location: string | null;
}

interface NamedFrame {
  name: string;
  frame: Frame;
}

function named(frame: Frame): NamedFrame {
  return { name: frame.function ? normalizeFunction(frame.function) : unnamedFrame(frame), frame };
}

/**
 * The crashing thread's frames that may decide a group: a frame found by scanning the stack is a
 * guess (any stale return address looks like one), so it never does.
 */
function groupedFrames(crash: Pick<CrashAnalysis, 'threads'>): NamedFrame[] {
  return (crashingThread(crash)?.frames ?? []).filter((f) => f.trust !== 'scan').map(named);
}

function mechanismOf(frames: NamedFrame[], signal: string): Fingerprint['mechanism'] {
  for (const [mechanism, pattern] of MECHANISMS) {
    if (frames.some((f) => pattern.test(f.name))) return mechanism;
  }
  return `signal:${signal}`;
}

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

function isLibraryFrame(f: NamedFrame): boolean {
  return SYSTEM_PATH.test(f.frame.module ?? '') || LIBRARY_NAME.test(f.name);
}

/**
 * The signature's frames: the program's own top frame, led by the library frames above it
 * (strlen alone would join every strlen crash), or the recursion cycle of a stack overflow.
 * One frame of the program's own, not three: callers differ between single- and multi-threaded
 * runs and optimized builds of the same bug, while distinct bugs differ in that frame or in
 * the mechanism.
 */
function signatureFrames(significant: NamedFrame[]): string[] {
  const cycle = topCycle(significant.map((f) => f.name));
  if (cycle) return cycle;
  const out: string[] = [];
  for (const f of significant) {
    if (out.at(-1) !== f.name) out.push(f.name);
    if (!isLibraryFrame(f) || out.length > MAX_LIBRARY_FRAMES) break;
  }
  return out;
}

const MACHINERY_GAP = 2;

function isMachinery(f: NamedFrame): boolean {
  // An unsymbolized frame inside libc or the C++ runtime, between machinery frames, is machinery too.
  return MACHINERY.test(f.name) || (f.frame.function === null && SYSTEM_MODULE.test(f.name));
}

/**
 * The frames after the crash machinery, without the frames every crash shares. Machinery counts
 * only in the run at the top of the stack: the same names far below (Rust's lang_start wrappers,
 * a catch_unwind) do not make the program's own frames machinery.
 */
function significantFrames(frames: NamedFrame[]): NamedFrame[] {
  let start = 0;
  let gap = 0;
  for (let i = 0; i < frames.length && gap <= MACHINERY_GAP; i++) {
    if (isMachinery(frames[i] as NamedFrame)) {
      start = i + 1;
      gap = 0;
    } else gap++;
  }
  const rest = frames.slice(start);
  while (rest.length > 1 && ALLOCATOR.test(rest[0]?.name ?? '')) rest.shift();
  const kept = rest.filter((f) => !SHARED.test(f.name));
  return kept.length > 0 ? kept : rest.slice(0, 1);
}

/** The crashing stack's normalized frame names below the crash machinery: what similarity compares. */
export function significantNames(crash: Pick<CrashAnalysis, 'threads'>): string[] {
  return significantFrames(groupedFrames(crash)).map((f) => f.name);
}

/** A mechanism as people read it: "assert", or the signal's name for a plain fault. */
export const mechanismName = (mechanism: string): string => mechanism.replace(/^signal:/, '');

export function fingerprint(crash: Pick<CrashAnalysis, 'threads' | 'signal' | 'executable'>): Fingerprint {
  const frames = groupedFrames(crash);
  const mechanism = mechanismOf(frames, crash.signal.name);
  const significant = significantFrames(frames);
  const names = signatureFrames(significant);
  const parts = names.length > 0 ? names : [moduleName(crash.executable)];
  const top = significant[0]?.frame;
  const location = top?.file ? `${fileName(top.file)}${top.line ? `:${top.line}` : ''}` : null;
  const hash = createHash('sha256')
    .update(JSON.stringify([FINGERPRINT_VERSION, mechanism, parts]))
    .digest('hex');
  return {
    version: FINGERPRINT_VERSION,
    hash,
    mechanism,
    frames: parts,
    title: `${mechanismName(mechanism)} in ${parts.join(' → ')}${location ? ` (${location})` : ''}`,
    location,
  };
}
