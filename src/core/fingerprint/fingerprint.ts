import { createHash } from 'node:crypto';
import type { CrashAnalysis, FingerprintExplanation, FingerprintVersion, FrameExplanation } from '../../shared/model';
import { fileName } from '../../shared/frame-label';
import { moduleName } from './normalize';
import { applyRules, explainFrame, signatureOf, significantFrames, type FrameState } from './rules/apply-rules';
import { defaultRuleset, type Ruleset } from './rules/ruleset';

/**
 * Bumped whenever a change here or in the default rules would group the same crashes differently;
 * see `crashwb regroup`. 2: the standard libraries' own frames no longer count. 3: a frame outside
 * every module (a call through a bad pointer) is not the program's own. 4: a lambda is one name
 * whatever compiler named it, known by its caller; `operator()` keeps its brackets; Node.js's
 * own JavaScript and V8's fatal-error handlers do not count. 5: the native code of Node.js, V8 and
 * CPython's interpreter does not count: their crashes group by their JavaScript and Python frames;
 * a name wholly in brackets (`<signal handler called>`, Python's `<module>`) is kept whole.
 */
export const FINGERPRINT_VERSION = 5;

export interface Fingerprint {
  version: number;
  /** Which rules made it: "default" or the id of a rules text. */
  rules: string;
  /** sha256 of the parts below (and of the rules, unless the default ones): what groups crashes. */
  hash: string;
  /** Which mechanism fired: assert, panic, …, or the signal for a plain fault. */
  mechanism: string;
  /** The significant frames, normalized, top first. */
  frames: string[];
  title: string;
  /** Source location of the title's frame, for titles; not part of the hash. */
  location: string | null;
}

/** What is stored as a fingerprint's version: the algorithm's, with the rules' id unless the default rules made it. */
export function versionTag(fp: Pick<Fingerprint, 'version' | 'rules'>): FingerprintVersion {
  return fp.rules === 'default' ? fp.version : `${fp.version}:${fp.rules}`;
}

type Fingerprinted = Pick<CrashAnalysis, 'threads' | 'signal' | 'executable'>;

/** A mechanism as people read it: "assert", or the signal's name for a plain fault. */
export const mechanismName = (mechanism: string): string => mechanism.replace(/^signal:/, '');

function locationOf(state: FrameState | undefined): string | null {
  const frame = state?.frame;
  return frame?.file ? `${fileName(frame.file)}${frame.line ? `:${frame.line}` : ''}` : null;
}

/** The fingerprint of a crash and, frame by frame, how the rules made it. */
function fingerprintWithReasons(crash: Fingerprinted, ruleset: Ruleset): { fingerprint: Fingerprint; explanation: FingerprintExplanation } {
  const ruled = applyRules(ruleset.rules, crash);
  const leftOut = new Map<FrameState, string>();
  const significant = significantFrames(ruled.frames, leftOut);
  const signature = signatureOf(significant);
  const fixed = ruled.fixed;
  const parts = fixed ? fixed.values : signature.names.length > 0 ? signature.names : [moduleName(crash.executable)];
  const titled = significant.find((f) => f.title) ?? significant[0];
  const location = locationOf(titled);
  const identity = ruleset.id === 'default' ? [] : [ruleset.id];
  const hash = createHash('sha256')
    // Fixed values are the whole fingerprint: crashes a rule names alike are one group whatever killed them.
    .update(
      JSON.stringify(
        fixed ? [FINGERPRINT_VERSION, ...identity, 'fixed', parts] : [FINGERPRINT_VERSION, ...identity, ruled.mechanism.name, parts],
      ),
    )
    .digest('hex');
  const named = titled?.title ? [titled.name] : parts;
  const fingerprint: Fingerprint = {
    version: FINGERPRINT_VERSION,
    rules: ruleset.id,
    hash,
    mechanism: ruled.mechanism.name,
    frames: parts,
    title: `${mechanismName(ruled.mechanism.name)} in ${named.join(' → ')}${location ? ` (${location})` : ''}`,
    location,
  };
  const isSignificant = new Set(significant);
  const stack: FrameExplanation[] = ruled.frames.map((state) => {
    if (signature.used.has(state) && !fixed)
      return explainFrame(state, 'signature', signature.cycle ? 'in the recursion cycle at the top' : signatureReason(state));
    if (isSignificant.has(state))
      return explainFrame(state, 'significant', fixed ? 'the crash is fingerprinted by fixed values' : 'below the signature');
    return explainFrame(state, 'left-out', leftOut.get(state) ?? 'left out');
  });
  const explanation: FingerprintExplanation = {
    hash,
    title: fingerprint.title,
    mechanism: ruled.mechanism.name,
    mechanismLine: ruled.mechanism.line,
    frames: parts,
    cycle: signature.cycle && !fixed,
    fixedLine: fixed?.line ?? null,
    scannedFrames: ruled.scanned,
    rules: ruleset.id,
    stack,
  };
  return { fingerprint, explanation };
}

/** How a crash's fingerprint came about, frame by frame: which rule counted or dropped each frame. */
export function explainFingerprint(crash: Fingerprinted, ruleset: Ruleset = defaultRuleset()): FingerprintExplanation {
  return fingerprintWithReasons(crash, ruleset).explanation;
}

function signatureReason(state: FrameState): string {
  if (!state.app) return "a library frame leading to the program's own";
  return state.prefix ? "the program's own, and the signature goes on past it" : "the program's own top frame";
}

export function fingerprint(crash: Fingerprinted, ruleset: Ruleset = defaultRuleset()): Fingerprint {
  return fingerprintWithReasons(crash, ruleset).fingerprint;
}

/** The crashing stack's normalized frame names below the crash machinery: what similarity compares. */
export function significantNames(
  crash: Pick<CrashAnalysis, 'threads'> & Partial<Pick<CrashAnalysis, 'signal'>>,
  ruleset: Ruleset = defaultRuleset(),
): string[] {
  return significantFrames(applyRules(ruleset.rules, crash).frames, new Map()).map((f) => f.name);
}
