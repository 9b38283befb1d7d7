import { BoundedFile, withFile } from '../platform/bounded-file';
import type { CoreInfo, CoreModule } from '../elf/core-file';
import { describeSignal } from '../elf/signals';
import type { SignalInfo, SystemInfo } from '../../shared/model';
import { readCrashpadInfo, type CrashpadAnnotations } from './crashpad-info';
import { machReason, windowsReason, type ExceptionRecord } from './exception-reasons';
import { readThreads } from './dump-threads';
import { readLinuxStreams } from './linux-streams';
import {
  APPLE_PLATFORMS,
  archOf,
  exact,
  listStart,
  MinidumpFormatError,
  openStreams,
  PLATFORM_LINUX,
  platformOf,
  SIGNATURE,
  STREAM,
  WINDOWS_PLATFORMS,
  type DumpArch,
} from './minidump-streams';
import { registerStrings } from './thread-context';

const MISC_PROCESS_ID = 1;
const MISC_PROCESS_TIMES = 2;

/**
 * The minidump (.dmp) of Breakpad, Crashpad and lldb: a header, a directory of streams, and the
 * streams. What stands for the crash is read here — threads with their registers, modules with
 * their identifiers, the exception, the system and the process; `minidump-stacks.ts` walks the stacks.
 */
const CV_ELF = 0x4270454c; // "BpEL": the module's ELF build-id follows
const CV_PDB70 = 0x53445352; // "RSDS": GUID, age and the PDB's name (Windows; macOS puts its UUID there)
/** The ELF machine an architecture stands for, so the rest of the analysis reads dumps as cores (0: none it reads). */
const ELF_MACHINE: Partial<Record<DumpArch, number>> = { x86: 3, amd64: 62, arm64: 183 };
const PLATFORM_NAMES: Record<number, string> = {
  0: 'Windows',
  1: 'Windows',
  2: 'Windows NT',
  // As Breakpad and rust-minidump name it, whatever Apple calls it this year.
  0x8101: 'Mac OS X',
  0x8102: 'iOS',
  0x8201: 'Linux',
  0x8202: 'Solaris',
  0x8203: 'Android',
  0x8206: 'Fuchsia',
};

/** The exception record of an exception stream: code, flags, address and parameters. */
function exceptionRecord(stream: Buffer): ExceptionRecord {
  const count = Math.min(stream.readUInt32LE(32), 15, Math.floor((stream.length - 40) / 8));
  return {
    code: stream.readUInt32LE(8),
    flags: stream.readUInt32LE(12),
    address: stream.readBigUInt64LE(24),
    parameters: Array.from({ length: Math.max(0, count) }, (_, i) => stream.readBigUInt64LE(40 + i * 8)),
  };
}

/**
 * A Linux dump's system info leaves the version at 0.0.0 and keeps the kernel's own words in
 * its service-pack string ("Linux 4.9.60-… #1 SMP … x86_64"): the version is that, without the
 * system's name and the machine, as rust-minidump shows it.
 */
function linuxVersion(csd: string): string {
  const words = csd.trim().split(' ');
  if (words[0] === 'Linux') words.shift();
  if (words.length > 1 && /^(x86_64|i[3-6]86|aarch64|arm\w*|mips\w*|ppc\w*|riscv\w*)$/.test(words.at(-1) ?? '')) words.pop();
  return words.join(' ');
}

/** The system the dump was written on: OS and version, CPU architecture. */
async function systemOf(file: BoundedFile, system: Buffer, platform: number, arch: number | undefined): Promise<SystemInfo> {
  const cpu = archOf(arch) ?? `architecture ${arch ?? '?'}`;
  const numbers = `${system.readUInt32LE(8)}.${system.readUInt32LE(12)}.${system.readUInt32LE(16)}`;
  const csdRva = system.length >= 28 ? system.readUInt32LE(24) : 0;
  const csd = platform === PLATFORM_LINUX && csdRva ? await utf16String(file, csdRva).catch(() => '') : '';
  return {
    os: PLATFORM_NAMES[platform] ?? `platform 0x${platform.toString(16)}`,
    osVersion: csd ? linuxVersion(csd) : numbers,
    cpu,
  };
}
const FAULT_SIGNALS = new Set([4, 7, 8, 11]);
const UNKNOWN_CODE = -1000;
const MAX_ITEMS = 65_536;

export { MinidumpFormatError };

export async function isMinidump(path: string): Promise<boolean> {
  return withFile(path, async (file) => {
    const head = await file.read(0, 4);
    return head.length === 4 && head.readUInt32LE(0) === SIGNATURE;
  });
}

async function utf16String(file: BoundedFile, rva: number): Promise<string> {
  const length = (await exact(file, rva, 4, 'module names')).readUInt32LE(0);
  return (await exact(file, rva + 4, Math.min(length, 8192), 'module names')).toString('utf16le');
}

/** A module's CodeView record: an ELF build-id (Breakpad's "BpEL"), or a PDB 7.0 record ("RSDS") as Windows and macOS modules carry. */
async function codeView(
  file: BoundedFile,
  size: number,
  rva: number,
): Promise<{ buildId: string | null; debugId: string | null; debugName: string | null }> {
  const none = { buildId: null, debugId: null, debugName: null };
  if (size < 8) return none;
  const cv = await exact(file, rva, Math.min(size, 24 + 1024), 'module debug records');
  const signature = cv.readUInt32LE(0);
  if (signature === CV_ELF) {
    const id = cv.subarray(4);
    return { buildId: id.toString('hex'), debugId: elfDebugId(id), debugName: null };
  }
  if (signature === CV_PDB70 && cv.length >= 24) {
    const end = cv.indexOf(0, 24);
    return {
      buildId: null,
      debugId: breakpadId(cv.subarray(4, 20), cv.readUInt32LE(20)),
      debugName: cv.toString('utf8', 24, end === -1 ? cv.length : end) || null,
    };
  }
  return none;
}

/** The Pid: line of /proc/PID/status, which Breakpad's Linux client keeps where Windows keeps MiscInfo. */
function linuxPid(status: string): number {
  for (const line of status.split('\n')) if (line.startsWith('Pid:')) return Number(line.slice(4).trim()) || 0;
  return 0;
}

const VS_FIXEDFILEINFO_SIGNATURE = 0xfeef04bd;

/** A module's VS_FIXEDFILEINFO version, "major.minor.build.revision", when the dump recorded one. */
function fileVersion(list: Buffer, at: number): string | null {
  if (list.length < at + 16 || list.readUInt32LE(at) !== VS_FIXEDFILEINFO_SIGNATURE) return null;
  const [high, low] = [list.readUInt32LE(at + 8), list.readUInt32LE(at + 12)];
  return `${high >>> 16}.${high & 0xffff}.${low >>> 16}.${low & 0xffff}`;
}

/** The annotations as lines: "key = value" for the process's, "module: text" and "module: key = value" for each module's. */
function annotationLines(info: CrashpadAnnotations, modules: CoreModule[]): string[] {
  const name = (index: number) => modules[index]?.path.split(/[\\/]/).pop() ?? `module ${index}`;
  return [
    ...Object.entries(info.simple).map(([k, v]) => `${k} = ${v}`),
    ...info.modules.flatMap((m) => [
      ...m.list.map((text) => `${name(m.moduleIndex)}: ${text}`),
      ...Object.entries(m.simple).map(([k, v]) => `${name(m.moduleIndex)}: ${k} = ${v}`),
    ]),
  ];
}

/** The reason, with what the crashing process said about it appended. */
function withMessage(signal: SignalInfo, said: string[]): SignalInfo {
  return said.length ? { ...signal, explanation: `${signal.explanation} — “${said.join('; ')}”` } : signal;
}

/** Thread names by id: a count, then (thread id, RVA of a MINIDUMP_STRING) entries of 12 bytes. */
async function threadNames(file: BoundedFile, stream: Buffer | null): Promise<Record<number, string>> {
  const names: Record<number, string> = {};
  if (!stream || stream.length < 4) return names;
  const count = Math.min(stream.readUInt32LE(0), MAX_ITEMS, Math.floor((stream.length - 4) / 12));
  for (let i = 0; i < count; i++) {
    const at = 4 + i * 12;
    const rva = Number(stream.readBigUInt64LE(at + 4));
    if (!Number.isSafeInteger(rva) || rva >= file.size) continue;
    const name = await utf16String(file, rva).catch(() => '');
    if (name) names[stream.readUInt32LE(at)] = name;
  }
  return names;
}

/** MD_BREAKPAD_INFO_VALID_DUMP_THREAD_ID: the info stream names the thread that wrote the dump. */
const BREAKPAD_INFO_DUMP_THREAD = 1;

/** Breakpad's debug id of an ELF build-id: its first 16 bytes as a GUID, zero-padded when shorter (lld writes 8), age 0. */
export function elfDebugId(buildId: Buffer): string | null {
  if (buildId.length === 0) return null;
  return breakpadId(buildId.length >= 16 ? buildId : Buffer.concat([buildId, Buffer.alloc(16 - buildId.length)]), 0);
}

/** Breakpad's debug identifier: the GUID's fields as the symbol store names them, then the age in hex. */
function breakpadId(guid: Buffer, age: number): string {
  const hex = (b: Buffer) => b.toString('hex');
  const field = (n: number, width: number) => n.toString(16).padStart(width, '0');
  return `${field(guid.readUInt32LE(0), 8)}${field(guid.readUInt16LE(4), 4)}${field(guid.readUInt16LE(6), 4)}${hex(guid.subarray(8, 16))}${age.toString(16)}`.toUpperCase();
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

/** The module list: each module's name, range, debug and code ids and version; what its counts claim beyond the stream is said in `problems`. */
async function readModules(file: BoundedFile, moduleList: Buffer | null, platform: number, problems: string[]): Promise<CoreModule[]> {
  const modules: CoreModule[] = [];
  const claimedModules = moduleList && moduleList.length >= 4 ? moduleList.readUInt32LE(0) : 0;
  const firstModule = moduleList ? listStart(moduleList, 108) : 4;
  const moduleCount = moduleList ? Math.min(claimedModules, MAX_ITEMS, Math.floor((moduleList.length - firstModule) / 108)) : 0;
  if (claimedModules > moduleCount) problems.push(`its module list claims ${claimedModules} modules and holds ${moduleCount}`);
  for (let i = 0; i < moduleCount && moduleList; i++) {
    const at = firstModule + i * 108;
    const start = moduleList.readBigUInt64LE(at);
    const name = await utf16String(file, moduleList.readUInt32LE(at + 20));
    const cv = await codeView(file, moduleList.readUInt32LE(at + 76), moduleList.readUInt32LE(at + 80));
    const size = moduleList.readUInt32LE(at + 8);
    const version = fileVersion(moduleList, at + 24);
    // As symbol servers key executables, and rust-minidump prints them: Windows' TimeDateStamp then
    // SizeOfImage, a Mach-O's UUID (its debug id without the age), an ELF file's build-id.
    const codeId = WINDOWS_PLATFORMS.has(platform)
      ? `${moduleList
          .readUInt32LE(at + 16)
          .toString(16)
          .padStart(8, '0')}${size.toString(16)}`
      : APPLE_PLATFORMS.has(platform) && cv.debugId
        ? cv.debugId.slice(0, 32).toLowerCase()
        : cv.buildId;
    modules.push({
      path: name,
      start,
      end: start + BigInt(size),
      buildId: cv.buildId,
      loadedAs: [],
      ...(cv.debugId ? { debugId: cv.debugId, debugName: cv.debugName } : {}),
      ...(version ? { version } : {}),
      ...(codeId ? { codeId } : {}),
    });
  }

  return modules;
}

async function readStreams(path: string, file: BoundedFile): Promise<CoreInfo> {
  const streams = await openStreams(file);
  const stream = (type: number, what: string) => streams.read(type, what);
  const system = await stream(STREAM.systemInfo, 'system info');
  const arch = system && system.length >= 2 ? system.readUInt16LE(0) : undefined;
  const problems: string[] = [];
  const threads = await readThreads(file, streams, archOf(arch), problems);
  if (!threads) throw new MinidumpFormatError(`${path}: the minidump has no thread list`);
  const tids = threads.map((t) => t.tid);

  const platform = platformOf(system);
  const modules = await readModules(file, await stream(STREAM.moduleList, 'module list'), platform, problems);

  const exception = await stream(STREAM.exception, 'exception');
  const crashingThreadId = exception ? exception.readUInt32LE(0) : (tids[0] ?? 0);
  const misc = await stream(STREAM.miscInfo, 'process info');
  const pid =
    misc && misc.length >= 12 && misc.readUInt32LE(4) & MISC_PROCESS_ID
      ? misc.readUInt32LE(8)
      : linuxPid((await stream(STREAM.linuxProcStatus, 'process status'))?.toString('utf8', 0, 4096) ?? '');
  const dumpTime = streams.header.readUInt32LE(20);
  const started = misc && misc.length >= 16 && misc.readUInt32LE(4) & MISC_PROCESS_TIMES ? misc.readUInt32LE(12) : 0;
  const argv = (await stream(STREAM.linuxCmdLine, 'command line'))?.toString('utf8').replace(/\0+$/, '').split('\0') ?? null;
  const environ = (await stream(STREAM.linuxEnviron, 'environment'))?.toString('utf8').replace(/\0+$/, '');
  // Breakpad and lldb put the signal number in ExceptionCode, si_code in ExceptionFlags, the fault address in ExceptionAddress.
  const signo = exception ? exception.readUInt32LE(8) : 0;
  // lldb's writer leaves si_code at 0, which would read as "sent by kill()"; for a fault that is unknown, not a kill.
  const flags = exception ? exception.readInt32LE(12) : 0;
  const code = flags === 0 && FAULT_SIGNALS.has(signo) ? UNKNOWN_CODE : flags;
  const record = exception && exception.length >= 40 ? exceptionRecord(exception) : null;
  const crashpad = await readCrashpadInfo(file, await stream(STREAM.crashpadInfo, 'Crashpad info'));
  const annotations = crashpad ? annotationLines(crashpad, modules) : [];
  // What a module said as the process died ("abort() called") is the reason in its own words.
  const said = crashpad?.modules.flatMap((m) => m.list).filter(Boolean) ?? [];
  const info = await stream(STREAM.breakpadInfo, 'Breakpad info');
  const dumpThreadId =
    info && info.length >= 8 && info.readUInt32LE(0) & BREAKPAD_INFO_DUMP_THREAD && info.readUInt32LE(4) !== crashingThreadId
      ? info.readUInt32LE(4)
      : undefined;
  const executable = modules[0]?.path ?? null;
  const linux =
    platform === PLATFORM_LINUX ? await readLinuxStreams(streams, archOf(arch) === 'amd64' || archOf(arch) === 'arm64' ? 8 : 4) : null;
  const systemInfo = system && system.length >= 24 ? await systemOf(file, system, platform, arch) : null;
  return {
    path,
    size: file.size,
    machine: ELF_MACHINE[archOf(arch) ?? 'arm'] ?? 0,
    pid,
    uid: null,
    command: executable?.split('/').pop() ?? '',
    commandLine: argv?.join(' ') ?? '',
    argv,
    environment: environ ? environ.split('\0') : [],
    signal: withMessage(
      record && WINDOWS_PLATFORMS.has(platform)
        ? windowsReason(record)
        : record && APPLE_PLATFORMS.has(platform)
          ? machReason(record)
          : describeSignal({
              signo,
              code,
              faultAddress: exception ? exception.readBigUInt64LE(24) : null,
              senderPid: null,
              stackPointer: null,
              pid,
            }),
      said,
    ),
    threads: threads
      .filter((t) => t.tid !== dumpThreadId)
      .map((t) => ({
        tid: t.tid,
        signal: t.tid === crashingThreadId ? signo : 0,
        registers: t.registers ? registerStrings(t.registers) : {},
      })),
    system: systemInfo && linux?.distribution ? { ...systemInfo, distribution: linux.distribution } : systemInfo,
    crashingThreadId,
    executablePath: executable,
    mappings: modules.map((m) => ({ start: m.start, end: m.end, fileOffset: 0n, path: m.path })),
    modules,
    truncation: null,
    ...(problems.length ? { damage: problems } : {}),
    dumpTime: dumpTime ? new Date(dumpTime * 1000).toISOString() : null,
    // The process's start and the dump's time are both whole seconds since 1970, as Windows' MiscInfo keeps them.
    ...(started && dumpTime >= started ? { uptimeSeconds: dumpTime - started } : {}),
    ...(dumpThreadId !== undefined ? { dumpThreadId } : {}),
    threadNames: await threadNames(file, await stream(STREAM.threadNames, 'thread names')),
    ...(annotations.length ? { annotations } : {}),
    ...(linux?.attachments.length ? { dumpFiles: linux.attachments } : {}),
  };
}
