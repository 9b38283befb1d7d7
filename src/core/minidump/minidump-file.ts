import { BoundedFile, withFile } from '../elf/bounded-file';
import type { CoreInfo, CoreModule } from '../elf/core-file';
import { describeSignal } from '../elf/signals';

/**
 * The minidump (.dmp) of Breakpad, Crashpad and lldb: a header, a directory of streams, and the
 * streams. Only what stands for the crash is read here — threads, modules with build-ids, the
 * exception and the process — the stacks are lldb's to unwind.
 */
const SIGNATURE = 0x504d444d; // "MDMP"
const THREAD_LIST = 3;
const MODULE_LIST = 4;
const EXCEPTION = 6;
const SYSTEM_INFO = 7;
const MISC_INFO = 15;
const LINUX_CMD_LINE = 0x47670006;
const LINUX_ENVIRON = 0x47670007;
const CV_ELF = 0x4270454c; // "BpEL": the module's ELF build-id follows
const ARCH_AMD64 = 9;
const ARCH_ARM64 = [12, 0x8003];
const EM_X86_64 = 62;
const EM_AARCH64 = 183;
const MAX_STREAMS = 4096;
const FAULT_SIGNALS = new Set([4, 7, 8, 11]);
const UNKNOWN_CODE = -1000;
const MAX_ITEMS = 65_536;

export class MinidumpFormatError extends Error {}

export async function isMinidump(path: string): Promise<boolean> {
  return withFile(path, async (file) => {
    const head = await file.read(0, 4);
    return head.length === 4 && head.readUInt32LE(0) === SIGNATURE;
  });
}

async function exact(file: BoundedFile, offset: number, length: number, what: string): Promise<Buffer> {
  const data = await file.read(offset, length);
  if (data.length < length) {
    throw new MinidumpFormatError(
      `${file.path}: the minidump is cut off in its ${what} (needs ${length} bytes at ${offset}, the file has ${file.size})`,
    );
  }
  return data;
}

async function utf16String(file: BoundedFile, rva: number): Promise<string> {
  const length = (await exact(file, rva, 4, 'module names')).readUInt32LE(0);
  return (await exact(file, rva + 4, Math.min(length, 8192), 'module names')).toString('utf16le');
}

async function buildId(file: BoundedFile, size: number, rva: number): Promise<string | null> {
  if (size < 8) return null;
  const cv = await exact(file, rva, Math.min(size, 4 + 64), 'module build-ids');
  return cv.readUInt32LE(0) === CV_ELF ? cv.subarray(4).toString('hex') : null;
}

/** Reads a minidump into the same shape as an ELF core's notes, so the rest of the analysis is shared. */
export async function readMinidump(path: string): Promise<CoreInfo> {
  try {
    return await withFile(path, (file) => readStreams(path, file));
  } catch (error) {
    // A count or offset in the streams that points outside them: corrupt, however it came about.
    if (error instanceof RangeError)
      throw new MinidumpFormatError(`${path}: its streams are malformed (${error.message}); the minidump is corrupt`);
    throw error;
  }
}

async function readStreams(path: string, file: BoundedFile): Promise<CoreInfo> {
  const header = await exact(file, 0, 32, 'header');
  if (header.readUInt32LE(0) !== SIGNATURE) throw new MinidumpFormatError(`${path} is not a minidump (no MDMP signature)`);
  const count = header.readUInt32LE(8);
  if (count > MAX_STREAMS) throw new MinidumpFormatError(`${path}: ${count} streams is not a plausible minidump`);
  const directory = await exact(file, header.readUInt32LE(12), count * 12, 'stream directory');
  const streams = new Map<number, { size: number; rva: number }>();
  for (let i = 0; i < count; i++) {
    streams.set(directory.readUInt32LE(i * 12), { size: directory.readUInt32LE(i * 12 + 4), rva: directory.readUInt32LE(i * 12 + 8) });
  }
  const stream = async (type: number, what: string): Promise<Buffer | null> => {
    const entry = streams.get(type);
    return entry ? exact(file, entry.rva, entry.size, what) : null;
  };

  const threadList = await stream(THREAD_LIST, 'thread list');
  if (!threadList) throw new MinidumpFormatError(`${path}: the minidump has no thread list`);
  // A count is trusted only as far as its stream holds entries: past that the dump is corrupt.
  const threadCount = Math.min(threadList.readUInt32LE(0), MAX_ITEMS, Math.floor((threadList.length - 4) / 48));
  const tids = Array.from({ length: threadCount }, (_, i) => threadList.readUInt32LE(4 + i * 48));

  const modules: CoreModule[] = [];
  const moduleList = await stream(MODULE_LIST, 'module list');
  const moduleCount = moduleList ? Math.min(moduleList.readUInt32LE(0), MAX_ITEMS, Math.floor((moduleList.length - 4) / 108)) : 0;
  for (let i = 0; i < moduleCount && moduleList; i++) {
    const at = 4 + i * 108;
    const start = moduleList.readBigUInt64LE(at);
    const name = await utf16String(file, moduleList.readUInt32LE(at + 20));
    modules.push({
      path: name,
      start,
      end: start + BigInt(moduleList.readUInt32LE(at + 8)),
      buildId: await buildId(file, moduleList.readUInt32LE(at + 76), moduleList.readUInt32LE(at + 80)),
      loadedAs: [],
    });
  }

  const exception = await stream(EXCEPTION, 'exception');
  const crashingThreadId = exception ? exception.readUInt32LE(0) : (tids[0] ?? 0);
  const system = await stream(SYSTEM_INFO, 'system info');
  const arch = system?.readUInt16LE(0);
  const misc = await stream(MISC_INFO, 'process info');
  const pid = misc && misc.length >= 12 && misc.readUInt32LE(4) & 1 ? misc.readUInt32LE(8) : 0;
  const argv = (await stream(LINUX_CMD_LINE, 'command line'))?.toString('utf8').replace(/\0+$/, '').split('\0') ?? null;
  const environ = (await stream(LINUX_ENVIRON, 'environment'))?.toString('utf8').replace(/\0+$/, '');
  // Breakpad and lldb put the signal number in ExceptionCode, si_code in ExceptionFlags, the fault address in ExceptionAddress.
  const signo = exception ? exception.readUInt32LE(8) : 0;
  // lldb's writer leaves si_code at 0, which would read as "sent by kill()"; for a fault that is unknown, not a kill.
  const flags = exception ? exception.readInt32LE(12) : 0;
  const code = flags === 0 && FAULT_SIGNALS.has(signo) ? UNKNOWN_CODE : flags;
  const executable = modules[0]?.path ?? null;
  return {
    path,
    size: file.size,
    machine: arch === ARCH_AMD64 ? EM_X86_64 : arch !== undefined && ARCH_ARM64.includes(arch) ? EM_AARCH64 : 0,
    pid,
    uid: null,
    command: executable?.split('/').pop() ?? '',
    commandLine: argv?.join(' ') ?? '',
    argv,
    environment: environ ? environ.split('\0') : [],
    signal: describeSignal({
      signo,
      code,
      faultAddress: exception ? exception.readBigUInt64LE(24) : null,
      senderPid: null,
      stackPointer: null,
      pid,
    }),
    threads: tids.map((tid) => ({ tid, signal: tid === crashingThreadId ? signo : 0, registers: {} })),
    crashingThreadId,
    executablePath: executable,
    mappings: modules.map((m) => ({ start: m.start, end: m.end, fileOffset: 0n, path: m.path })),
    modules,
    truncation: null,
    dumpTime: header.readUInt32LE(20) ? new Date(header.readUInt32LE(20) * 1000).toISOString() : null,
  };
}
