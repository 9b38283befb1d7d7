/**
 * The language runtimes read at the level of their own language, each by the tool that knows it
 * (llnode in lldb for Node.js, Delve for Go, CPython's gdb extension for Python), beside the
 * debugger's native analysis. A new runtime is its name in RUNTIMES (src/shared/crash-model.ts),
 * a folder here with a RuntimeReader, and its line in READERS, which the compiler asks for.
 */

import type { RuntimeName } from '../../shared/model';
import { goReader } from './go/go-reader';
import { nodeReader } from './node/node-reader';
import { pythonReader } from './python/python-reader';
import type { RuntimeReader } from './runtime-reader';

export { detectRuntime, type RuntimeFacts } from './detect';
export type { RuntimeInput, RuntimeReader, RuntimeView } from './runtime-reader';
export { llnodePlugin } from './node/llnode';

const READERS: Record<RuntimeName, RuntimeReader> = { node: nodeReader, go: goReader, python: pythonReader };

export const readerOf = (runtime: RuntimeName): RuntimeReader => READERS[runtime];
