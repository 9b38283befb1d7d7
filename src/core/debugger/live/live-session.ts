import type { DebuggerKind, Disassembly, MemoryChunk, SourceMapping, VariableNode } from '../../../shared/model';

/** What a live debugger session reports to whoever shows it. */
export interface LiveSessionEvents {
  /** Bytes for the console's terminal, escape sequences included. */
  output(data: string): void;
  /** The debugger's selected thread (its own number) and frame level changed, by the console or the views. */
  selection(selection: { thread: number; frame: number }): void;
  /** The session is over; `reason` says why, for the console to show. */
  closed(reason: string): void;
}

/** A debugger kept running on one crash: a console for a person, and requests for the views. */
export interface LiveSession {
  readonly debugger: DebuggerKind;
  /** Keystrokes from the console. */
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** Makes a thread and frame the debugger's selection, as if typed; the console shows it. */
  select(thread: number, frame: number): Promise<void>;
  /** The frame's function around its program counter; source text is left for the caller to fill in. */
  disassemble(thread: number, frame: number): Promise<Disassembly>;
  readMemory(thread: number, frame: number, expression: string, length: number): Promise<{ address: string; chunks: MemoryChunk[] }>;
  /** Arguments and locals of a frame, each openable; the previous frame's handles are released. */
  variables(thread: number, frame: number): Promise<VariableNode[]>;
  expandVariable(id: string): Promise<VariableNode[]>;
  close(): void;
}

export interface LiveSessionInput {
  core: string;
  executable: string | null;
  debugDirs: string[];
  /** The same library view as the analysis had (see linkModules), or null to use the recorded paths. */
  sysroot: string | null;
  solibDirs: string[];
  /** Breakpad symbol files the analysis named a minidump's frames from (lldb reads them; gdb has no minidumps). */
  symbolFiles?: string[];
  /** Where the build's source paths are on this machine. */
  sourceMappings: SourceMapping[];
  /** Inflated copies of compressed debug files (plain-debug.ts), searched first. */
  plainDebugDir?: string | null;
  /** The program to start where the kind's usual one cannot read the core (gdb-multiarch for another architecture). */
  program?: string;
  /** lldb plugins the workbench trusts and loads first (llnode for a Node.js core, whose `v8` commands the console then has). */
  lldbPlugins?: string[];
  cols: number;
  rows: number;
}
