/**
 * The layering of docs/architecture.md, checked by `npm run lint`: no import cycle, and every
 * room imports only what its line below allows (an allowlist, as VS Code's import patterns are).
 * A room is a front door or folder of src/, or a folder of src/core (its own files are `core`,
 * the façade). A new room gets a line; a new import between rooms is a decision made here.
 */
const ROOMS = {
  shared: [],
  renderer: ['shared'],
  preload: ['shared'],
  main: ['core', 'core/s3', 'core/report', 'shared'],
  server: ['core', 'shared'],
  // The CLI goes through the façade, but for the one-shot commands that need no database
  // (analyze, upload, symbols) and read the engine's rooms themselves; never the store.
  cli: [
    'agent',
    'reporter',
    'server',
    'core',
    'core/debugger',
    'core/fingerprint',
    'core/intake',
    'core/minidump',
    'core/platform',
    'core/report',
    'core/sources',
    'core/symbols',
    'shared',
  ],
  reporter: ['core/elf', 'core/fingerprint', 'core/s3', 'core/sources', 'core/symbols', 'core/platform', 'shared'],
  agent: ['core/elf', 'core/symbols', 'core/platform', 'shared'],
  // The façade: the composition root (workbench.ts), the front doors' dispatch, the data folder.
  core: ['core/*', 'shared'],
  // One service per slice of the contract (shared/services/), over the engine's rooms.
  'core/services': [
    'core/compare',
    'core/debugger',
    'core/runtimes',
    'core/elf',
    'core/fingerprint',
    'core/intake',
    'core/minidump',
    'core/report',
    'core/s3',
    'core/store',
    'core/symbols',
    'core/platform',
    'shared',
  ],
  'core/platform': ['shared'],
  'core/elf': ['core/platform', 'shared'],
  'core/fingerprint': ['shared'],
  'core/sources': ['core/platform', 'shared'],
  'core/jobs': ['core/sources', 'core/platform', 'shared'],
  'core/s3': ['core/sources', 'core/store', 'core/platform', 'shared'],
  'core/store': ['core/fingerprint', 'core/platform', 'shared'],
  'core/compare': ['core/fingerprint', 'core/store', 'shared'],
  'core/report': ['core/fingerprint', 'core/platform', 'shared'],
  'core/symbols': ['core/elf', 'core/platform', 'shared'],
  'core/breakpad': ['core/symbols', 'core/elf', 'core/platform', 'shared'],
  // Function names compared as grouping compares them (an ifunc's variant is its function), for tail calls.
  'core/debugger': ['core/elf', 'core/fingerprint', 'core/symbols', 'core/platform', 'shared'],
  // Language runtimes read by their own tools beside the debugger (llnode in lldb, Delve, CPython's gdb extension).
  // Runtimes print their frames as crash sources' texts do: one reader of a place, one of a Python frame.
  'core/runtimes': ['core/debugger', 'core/elf', 'core/sources', 'core/symbols', 'core/platform', 'shared'],
  'core/minidump': ['core/breakpad', 'core/elf', 'core/symbols', 'core/platform', 'shared'],
  'core/offload': ['core/elf', 'core/minidump', 'core/symbols', 'core/platform', 'shared'],
  'core/intake': [
    'core/debugger',
    'core/runtimes',
    'core/elf',
    'core/fingerprint',
    'core/jobs',
    'core/minidump',
    'core/offload',
    'core/s3',
    'core/sources',
    'core/store',
    'core/symbols',
    'core/platform',
    'shared',
  ],
};

/** What Node and npm give: the renderer, preload and shared run where Node's own modules do not. */
const WITHOUT_NODE = new Set(['shared', 'renderer', 'preload']);

/** A room's files, as a path pattern: `core` is src/core's own files; `core/*` every folder of it. */
function pathOf(room) {
  if (room === 'core') return '^src/core/[^/]+$';
  if (room === 'core/*') return '^src/core/[^/]+/';
  return `^src/${room}/`;
}

const allowed = Object.entries(ROOMS).flatMap(([room, imports]) => [
  { from: { path: pathOf(room) }, to: { path: [room, ...imports].map(pathOf).join('|') } },
  {
    from: { path: pathOf(room) },
    to: {
      dependencyTypes: WITHOUT_NODE.has(room)
        ? ['npm', 'npm-dev', 'npm-optional', 'npm-peer']
        : ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer'],
    },
  },
]);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Files that import each other, directly or around a ring.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'renderer-through-stores',
      comment: "The renderer's components reach the workbench through its stores, never the API client itself.",
      severity: 'error',
      from: { path: '^src/renderer/', pathNot: '^src/renderer/src/(stores/|api[.]ts$)' },
      to: { path: '^src/renderer/src/api[.]ts$' },
    },
    { name: 'not-to-unresolvable', comment: 'An import of nothing.', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  allowed,
  allowedSeverity: 'error',
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.d\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
