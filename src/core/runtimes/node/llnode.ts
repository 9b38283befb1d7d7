/**
 * Node.js cores read with lldb and the llnode plugin: the crashing thread's JavaScript frames
 * (`v8 bt`) and the error objects the heap holds (`v8 findjsobjects`, `v8 findjsinstances -d`).
 */

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runBatch } from '../../debugger/lldb/batch';
import { aliasTarget, targetCommands } from '../../debugger/lldb/extract';
import { LLDB } from '../../debugger/lldb/commands';
import { PathAliases, lldbQuote } from '../../platform/path-aliases';
import {
  CUT_STRING,
  isErrorClass,
  parseErrorMessages,
  parseInspectedString,
  parseObjectCounts,
  parseV8Backtrace,
  type V8Frame,
} from './v8-output';

/** At most this many error classes are asked for their objects: the thrown one is among the first few. */
const MAX_ERROR_CLASSES = 6;

/**
 * The llnode plugin: CRASHWB_LLNODE, else the one npm built for the workbench (an optional
 * dependency, built where lldb's headers are installed). Null where there is none.
 */
export function llnodePlugin(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CRASHWB_LLNODE) return existsSync(env.CRASHWB_LLNODE) ? resolve(env.CRASHWB_LLNODE) : null;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const plugin = join(dir, 'node_modules', 'llnode', 'llnode.so');
    if (existsSync(plugin)) return plugin;
    if (dirname(dir) === dir) return null;
  }
}

/** What to do where llnode is missing, as the crash view and the CLI say it. */
export const LLNODE_MISSING =
  'the JavaScript frames need lldb’s llnode plugin, which was not built here: install lldb and its headers (apt-get install lldb liblldb-14-dev), then npm install in the workbench (or set CRASHWB_LLNODE to an llnode.so)';

export interface LlnodeInput {
  plugin: string;
  core: string;
  /** The node executable lldb loads: a copy without DWARF where one could be made (see symbols-only.ts). */
  executable: string;
  sysroot: string | null;
  solibDirs: string[];
  timeoutMs: number;
}

export interface LlnodeReading {
  frames: V8Frame[];
  /** Error objects in the heap, with their messages where llnode read them. */
  errors: { type: string; message: string | null }[];
  /** How many objects of error classes the heap holds in all. */
  errorCount: number;
}

function commandsFor(input: LlnodeInput, aliases: PathAliases, then: string[]): string[] {
  const target = aliasTarget(
    { core: input.core, executable: input.executable, debugDirs: [], sysroot: input.sysroot, solibDirs: input.solibDirs },
    aliases,
  );
  return [LLDB.noIndexCache, LLDB.pluginLoad(lldbQuote(aliases.alias(input.plugin), 'a plugin')), ...targetCommands(target), ...then];
}

/**
 * `v8 bt` reads the thread lldb selects on loading the core, the one that took the signal. Up to
 * three lldb runs, each asking what the one before found: `lldb --batch` stops at the first
 * failing command, and asking for a class with no objects fails.
 */
export async function readWithLlnode(input: LlnodeInput): Promise<LlnodeReading> {
  const aliases = new PathAliases();
  try {
    const first = await runBatch(commandsFor(input, aliases, ['v8 bt 256', 'v8 findjsobjects']), input.timeoutMs);
    const bt = first.indexOf('(lldb) v8 bt');
    const marker = first.indexOf('(lldb) v8 findjsobjects');
    const frames = bt < 0 ? [] : parseV8Backtrace(first.slice(bt, marker < 0 ? undefined : marker));
    const counts = marker < 0 ? new Map<string, number>() : parseObjectCounts(first.slice(marker));
    const classes = [...counts].filter(([name, n]) => isErrorClass(name) && n > 0);
    const errorCount = classes.reduce((sum, [, n]) => sum + n, 0);
    if (classes.length === 0) return { frames, errors: [], errorCount };
    const second = await runBatch(
      commandsFor(
        input,
        aliases,
        classes.slice(0, MAX_ERROR_CLASSES).map(([name]) => `v8 findjsinstances -d ${name}`),
      ),
      input.timeoutMs,
    );
    const errors = parseErrorMessages(second);
    // llnode cuts strings inside objects; the first error's message is asked for whole.
    const [thrown] = errors;
    if (thrown?.message?.endsWith(CUT_STRING) && thrown.messageAddress) {
      const whole = parseInspectedString(
        await runBatch(commandsFor(input, aliases, [`v8 inspect -F ${thrown.messageAddress}`]), input.timeoutMs),
      );
      if (whole !== null) thrown.message = whole;
    }
    return { frames, errors, errorCount };
  } finally {
    aliases.dispose();
  }
}
