import { z } from 'zod';
import type { ConsoleInfo, ConsoleSize, Disassembly, MemoryDump, VariableNode } from '../model';
import { DEBUGGERS, VARIABLE_HANDLES } from '../model';
import { crashId } from './fields';

/** A live debugger on a crash's core: its console, its selection, and what the views ask of it. */
export interface ConsolesApi {
  /** Starts a debugger on the crash's core with a console; its output and selection arrive as events. */
  openConsole(crashId: string, size: ConsoleSize): Promise<ConsoleInfo>;
  writeConsole(sessionId: string, data: string): Promise<void>;
  resizeConsole(sessionId: string, size: ConsoleSize): Promise<void>;
  /** Makes a thread (the debugger's number) and frame level the console's selection. */
  selectFrame(sessionId: string, thread: number, frame: number): Promise<void>;
  closeConsole(sessionId: string): Promise<void>;
  /** The frame's function around its program counter, with its source lines. */
  disassemble(sessionId: string, thread: number, frame: number): Promise<Disassembly>;
  /** `length` bytes at an address expression (0x…, $sp, a pointer variable) evaluated in the frame. */
  readMemory(sessionId: string, thread: number, frame: number, expression: string, length: number): Promise<MemoryDump>;
  frameVariables(sessionId: string, thread: number, frame: number): Promise<VariableNode[]>;
  expandVariable(sessionId: string, id: string): Promise<VariableNode[]>;
}

export const MAX_MEMORY_READ = 4096;

const sessionId = z.string().uuid();
const threadNumber = z.number().int().positive().max(1_000_000);
const frameLevel = z.number().int().nonnegative().max(100_000);
const consoleSize = z.object({ cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500) }).strict();
/** A variable handle of any debugger the workbench drives (see VARIABLE_HANDLES). */
const isVariableHandle = (handle: string): boolean => DEBUGGERS.some((kind) => VARIABLE_HANDLES[kind].test(handle));
/**
 * What the memory view evaluates: addresses, registers, variables, fields, indexing, casts to
 * pointers and arithmetic. Debugger convenience functions ($_…) can reach outside the core, so
 * they are refused here; the console remains for anything else.
 */
const addressExpression = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w$&*.\-> ()[\]+]+$/, 'use an address, a register ($sp), a variable or a simple expression of them')
  .refine((e) => !e.includes('$_'), 'debugger convenience functions are not allowed here');

export const consolesCalls = {
  openConsole: z.tuple([crashId, consoleSize]),
  // A paste is one message; 64 KiB is more than any command line.
  writeConsole: z.tuple([sessionId, z.string().max(65_536)]),
  resizeConsole: z.tuple([sessionId, consoleSize]),
  selectFrame: z.tuple([sessionId, threadNumber, frameLevel]),
  closeConsole: z.tuple([sessionId]),
  disassemble: z.tuple([sessionId, threadNumber, frameLevel]),
  readMemory: z.tuple([sessionId, threadNumber, frameLevel, addressExpression, z.number().int().positive().max(MAX_MEMORY_READ)]),
  frameVariables: z.tuple([sessionId, threadNumber, frameLevel]),
  expandVariable: z.tuple([sessionId, z.string().max(1000).refine(isVariableHandle, 'not a variable handle')]),
} satisfies Record<keyof ConsolesApi, z.ZodTypeAny>;

/** Methods whose first argument is a console session, which only its opener may use. */
export const SESSION_METHODS: ReadonlySet<string> = new Set(Object.keys(consolesCalls).filter((m) => m !== 'openConsole'));
