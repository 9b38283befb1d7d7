import { snapshotSource } from './kinds/snapshot';
import type { CrashSource } from './crash-input';
import { appScopeSource } from './kinds/appscope';
import { apportSource } from './kinds/apport';
import { compressedSource } from './kinds/compressed';
import { elfCoreSource } from './kinds/elf-core';
import { handlerZipSource } from './kinds/handler-zip';
import { minidumpSource } from './kinds/minidump';
import { nodeReportSource } from './kinds/node-report';
import { runtimeOutputSource } from './kinds/runtime-output';
import { fileHead, type CrashShape } from './shape';
import { systemdCoredumpSource } from './systemd-coredump';

/**
 * Every way crashes arrive, in the order they are asked: by content for files and folders, by
 * name for S3 listings (the most particular names first). A new format is one line here.
 */
export const SOURCES: readonly CrashSource[] = [
  snapshotSource,
  nodeReportSource,
  handlerZipSource,
  systemdCoredumpSource,
  appScopeSource,
  apportSource,
  minidumpSource,
  compressedSource,
  elfCoreSource,
  runtimeOutputSource,
];

/** What a path that is none of the crashes above is not, in words: the sources' own names, so a new one is named too. */
export const NOT_A_CRASH = `none of ${SOURCES.map((s) => s.name).join(', ')}`;

const ELF_KINDS: Record<number, string> = { 1: 'ELF object file', 2: 'ELF executable', 3: 'ELF executable or shared library' };

/** Why a file is not a crash, in words that say what to do instead. */
export async function notACrash(path: string): Promise<string> {
  const head = await fileHead(path);
  const kind = head.length >= 18 && head.readUInt32BE(0) === 0x7f454c46 ? ELF_KINDS[head.readUInt16LE(16)] : undefined;
  if (kind) return `${path} is an ${kind}, not a core dump; pass it as --exe and give the core file instead`;
  return `${path} is not a crash: ${NOT_A_CRASH}`;
}

/** What a file is, by its first bytes (names lie; a .crash may be anything); null when it is no crash. */
export async function shapeOfFile(path: string): Promise<CrashShape | null> {
  const head = await fileHead(path);
  for (const source of SOURCES) {
    const shape = source.detectFile?.(head);
    if (shape) return shape;
  }
  return null;
}

/** What a folder is, when it is one crash; null otherwise. */
export async function shapeOfDirectory(path: string): Promise<CrashShape | null> {
  for (const source of SOURCES) {
    const shape = await source.detectDirectory?.(path);
    if (shape) return shape;
  }
  return null;
}

/** The source that opens a shape. */
export function sourceOf(shape: CrashShape): CrashSource {
  const source = SOURCES.find((s) => s.opens === shape.kind);
  if (!source) throw new Error(`no crash source opens ${shape.kind}`);
  return source;
}

/**
 * The folders among a listing's keys that are each one crash of several objects (an AppScope
 * crash folder), with which of their objects belong to it: by the sources' `folderParts`.
 */
export function crashFoldersIn(keys: string[]): Map<string, (name: string) => boolean> {
  const folders = new Map<string, (name: string) => boolean>();
  for (const key of keys) {
    const slash = key.lastIndexOf('/');
    const source = SOURCES.find((s) => s.folderParts?.marks(key.slice(slash + 1)));
    if (source?.folderParts) folders.set(key.slice(0, slash + 1), source.folderParts.isPart);
  }
  return folders;
}

/** What an object's name says about it before it is downloaded. */
export function recognizeName(name: string): { kind: string | null; metadata: Record<string, string> } {
  for (const source of SOURCES) {
    const known = source.recognizeName?.(name);
    if (known) return known;
  }
  return { kind: null, metadata: {} };
}
