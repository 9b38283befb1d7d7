import type { Frame } from '../../shared/model';
import type { FoundSymbols } from '../breakpad/sym-locate';
import { withFile } from '../platform/bounded-file';
import type { CoreModule } from '../elf/core-file';
import { DumpMemory, memory64List, memoryList } from './dump-memory';
import { readThreads } from './dump-threads';
import { archOf, openStreams, platformOf, STREAM, WINDOWS_PLATFORMS } from './minidump-streams';
import { ARCH_REGISTERS, registerStrings } from './thread-context';
import { MAX_WALK_FRAMES, walkStack, type WalkedFrame, type WalkModule } from './stack-walker';

/**
 * Every thread's stack of a minidump, walked by the workbench from the dump's memory and named
 * from Breakpad symbol files: what stands where a debugger cannot unwind (another platform's
 * dump, code it has no unwind info for).
 */
export interface WalkedThreads {
  stacks: Map<number, Frame[]>;
  /** Threads whose walk stopped at the dump's frame budget, not at the stack's end. */
  cut: Set<number>;
  /** By thread, by frame index past #0: the registers the walk recovered for that frame. */
  frameRegisters: Map<number, Record<string, Record<string, string>>>;
}

export async function walkMinidump(path: string, modules: CoreModule[], symbols: Map<CoreModule, FoundSymbols>): Promise<WalkedThreads> {
  return withFile(path, async (file) => {
    const streams = await openStreams(file);
    const system = await streams.read(STREAM.systemInfo, 'system info');
    const arch = archOf(system && system.length >= 2 ? system.readUInt16LE(0) : undefined);
    const windows = WINDOWS_PLATFORMS.has(platformOf(system));
    const threads = (await readThreads(file, streams, arch)) ?? [];
    const stacks = new Map<number, Frame[]>();
    const frameRegisters = new Map<number, Record<string, Record<string, string>>>();
    const cut = new Set<number>();
    if (!arch) return { stacks, frameRegisters, cut };
    const memory = new DumpMemory(file, [
      ...threads.map((t) => t.stack),
      ...memoryList(await streams.read(STREAM.memoryList, 'memory list')),
      ...memory64List(await streams.read(STREAM.memory64List, 'memory list')),
    ]);
    const walkModules: WalkModule[] = modules
      .filter((m) => m.end > m.start)
      .map((m) => ({ start: m.start, end: m.end, path: m.path, symbols: symbols.get(m)?.symbols ?? null }))
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    const sp = ARCH_REGISTERS[arch].sp;
    // Work in proportion to the file, not to threads × their stacks: threads of a hostile dump
    // can all point at one stack. Identical threads are walked once; the frames of all threads
    // together stay under what the file can hold (a frame takes at least 16 bytes of its stack).
    let budget = Math.max(MIN_FRAME_BUDGET, Math.floor(file.size / 16));
    const walks = new Map<string, WalkedFrame[]>();
    for (const thread of threads) {
      if (!thread.registers) continue;
      const stackPointer = thread.registers.get(sp);
      if (stackPointer !== undefined) await memory.load(stackPointer);
      const maxFrames = Math.max(1, Math.min(MAX_WALK_FRAMES, budget));
      const key = `${maxFrames}|${[...thread.registers].map(([name, value]) => `${name}=${value}`).join(',')}`;
      const walked = walks.get(key) ?? walkStack({ arch, context: thread.registers, memory, modules: walkModules, maxFrames, windows });
      walks.set(key, walked);
      budget -= walked.length;
      if (walked.length >= maxFrames && maxFrames < MAX_WALK_FRAMES) cut.add(thread.tid);
      const { frames, outer } = symbolize(walked);
      stacks.set(thread.tid, frames);
      // Each walked frame's registers belong to the function it is in (its inlined calls share them).
      const recovered: Record<string, Record<string, string>> = {};
      walked.forEach((w, i) => {
        if (i > 0) recovered[String(outer[i])] = registerStrings(w.registers);
      });
      frameRegisters.set(thread.tid, recovered);
    }
    return { stacks, frameRegisters, cut };
  });
}

/** Frames every dump may walk, whatever its size. */
const MIN_FRAME_BUDGET = 16_384;

/**
 * Frames as the views show them: a walked frame becomes its inlined calls and itself, or
 * `module + offset`; `outer[i]` is the index of walked frame i's own (not inlined) frame.
 */
export function symbolize(walked: WalkedFrame[]): { frames: Frame[]; outer: number[] } {
  const frames: Frame[] = [];
  const outer: number[] = [];
  walked.forEach((w, i) => {
    const address = `0x${w.pc.toString(16)}`;
    const module = w.module;
    // A caller's pc is its return address, one past the call: the call's line is the one before it.
    const lookup = i === 0 ? w.pc : w.pc - 1n;
    const named = module?.symbols?.frames(Number(lookup - module.start)) ?? [];
    const base = { address, module: module?.path ?? null, trust: w.trust };
    if (named.length === 0) {
      frames.push({
        ...base,
        index: frames.length,
        function: null,
        file: null,
        line: null,
        inline: false,
        ...(module ? { moduleOffset: `0x${(w.pc - module.start).toString(16)}` } : {}),
      });
      outer.push(frames.length - 1);
      return;
    }
    for (const n of named)
      frames.push({ ...base, index: frames.length, function: n.function, file: n.file, line: n.line, inline: n.inline });
    outer.push(frames.length - 1);
  });
  return { frames, outer };
}
