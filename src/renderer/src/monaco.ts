import * as monaco from 'monaco-editor/esm/vs/editor/editor.api';
import 'monaco-editor/esm/vs/basic-languages/cpp/cpp.contribution';
import 'monaco-editor/esm/vs/basic-languages/rust/rust.contribution';
import 'monaco-editor/esm/vs/basic-languages/go/go.contribution';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';

// Monaco runs its language services in a worker; the bundled one keeps the CSP free of remote code.
self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export { monaco };
