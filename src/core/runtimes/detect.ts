/** Which language runtime a crashed process ran on, from the files its core mapped. */

import type { Module, RuntimeName } from '../../shared/model';
import { fileName } from '../../shared/frame-label';
import type { ProgramFiles } from '../symbols/locate';

export interface RuntimeFacts {
  runtime: RuntimeName;
  /** The file that carries the runtime (node, libnode.so, the Go program, python3.11 or libpython3.11.so). */
  module: Module;
  /** "3.11" for Python, from the interpreter's or library's name; null where the name does not say. */
  version: string | null;
}

const NODE = /^(node|nodejs|libnode\.so(\.\d+)*)$/;
const PYTHON = /^(?:lib)?python(\d+\.\d+)[a-z]*(?:\.so(?:\.[\d.]+)?)?$/;

/**
 * The runtime of a crash: Node.js where node or libnode is mapped, Python where its interpreter
 * or libpython is, Go where the program was built by the Go toolchain. A program that embeds
 * Python or Node is read as that runtime too: their frames are what its stacks run through.
 */
export function detectRuntime(files: Pick<ProgramFiles, 'executable' | 'executableBuiltByGo' | 'modules'>): RuntimeFacts | null {
  for (const module of files.modules) {
    const name = fileName(module.path);
    if (NODE.test(name)) return { runtime: 'node', module, version: null };
    const python = PYTHON.exec(name);
    if (python) return { runtime: 'python', module, version: python[1] ?? null };
  }
  const program = files.modules.find((m) => m.hostPath !== null && m.hostPath === files.executable);
  return files.executableBuiltByGo && program ? { runtime: 'go', module: program, version: null } : null;
}
