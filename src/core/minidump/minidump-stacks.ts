import type { Frame } from '../../shared/model';
import type { FoundSymbols } from '../breakpad/sym-locate';
import { withFile } from '../elf/bounded-file';
import type { CoreModule } from '../elf/core-file';
import { DumpMemory, memory64List, memoryList } from './dump-memory';
import { readThreads } from './dump-threads';
import { archOf, openStreams, STREAM } from './minidump-streams';
import { ARCH_REGISTERS } from './thread-context';
import { walkStack, type WalkedFrame, type WalkModule } from './stack-walker';

/**
 * Every thread's stack of a minidump, walked by the workbench from the dump's memory and named
 * from Breakpad symbol files: what stands where a debugger cannot unwind (another platform's
 * dump, code it has no unwind info for).
 */
export async function walkMinidump(
  path: string,
  modules: CoreModule[],
  symbols: Map<CoreModule, FoundSymbols>,
): Promise<Map<number, Frame[]>> {
  return withFile(path, async (file) => {
    const streams = await openStreams(file);
    const system = await streams.read(STREAM.systemInfo, 'system info');
    const arch = archOf(system && system.length >= 2 ? system.readUInt16LE(0) : undefined);
    const threads = (await readThreads(file, streams, arch)) ?? [];
    const stacks = new Map<number, Frame[]>();
    if (!arch) return stacks;
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
    for (const thread of threads) {
      if (!thread.registers) continue;
      const stackPointer = thread.registers.get(sp);
      if (stackPointer !== undefined) await memory.load(stackPointer);
      stacks.set(thread.tid, symbolize(walkStack({ arch, context: thread.registers, memory, modules: walkModules })));
    }
    return stacks;
  });
}

/** Frames as the views show them: a walked frame becomes its inlined calls and itself, or `module + offset`. */
export function symbolize(walked: WalkedFrame[]): Frame[] {
  const frames: Frame[] = [];
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
      return;
    }
    for (const n of named)
      frames.push({ ...base, index: frames.length, function: n.function, file: n.file, line: n.line, inline: n.inline });
  });
  return frames;
}
