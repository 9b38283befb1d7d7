import { useState } from 'react';
import type { Crash, FileOrigin, Module, OriginKind, SymbolStatus } from '../../../shared/model';
import { DebuggerOptions } from '../widgets/DebuggerOptions';
import { desktop } from '../desktop';
import { useSettingsStore } from '../stores/settings-store';
import { useCrashStore } from '../stores/crash-store';
import { FileBrowser } from '../widgets/FileBrowser';
import { fileName } from '../../../shared/frame-label';
import { useRoving } from '../widgets/roving';

const STATUS: Record<SymbolStatus, string> = {
  'debug-info': 'debug info',
  symbols: 'symbols only',
  none: 'no symbols',
  missing: 'file not found',
};

const ORIGIN: Record<OriginKind, string> = {
  'recorded-path': 'recorded path',
  'exe-option': 'given executable',
  sysroot: 'sysroot',
  'solib-dir': 'library folder',
  'debug-dir': 'debug folder',
  embedded: 'in the file',
  'symbol-server': 'symbol server',
  'core-memory': 'in the core',
};

function Origin({ origin, missing }: { origin: FileOrigin | null | undefined; missing: string }) {
  if (!origin) return <span className="muted">{missing}</span>;
  return <span title={origin.from}>{ORIGIN[origin.kind]}</span>;
}

type Picking = { kind: 'debug' } | { kind: 'library'; module: Module | null };

/** Every file mapped into the process: its build-id, what could be read of it, and where it was found. */
export function ModulesView({ crash }: { crash: Crash }) {
  const reanalyze = useCrashStore((s) => s.reanalyze);
  const [picking, setPicking] = useState<Picking | null>(null);
  const [kept, setKept] = useState<string | null>(null);
  // The debugger is chosen here and used by Analyse again: a select never starts an analysis on an arrow key.
  const [debuggerChoice, setDebuggerChoice] = useState(crash.debugger);
  const program = crash.executable;
  /** Keeps this crash's library folders in the settings, for every crash of its program. */
  const keepForProgram = (exe: string): void => {
    setKept(null);
    void useSettingsStore
      .getState()
      .update((settings) => {
        const before = settings.solibDirsByExecutable[exe] ?? [];
        const dirs = [...before, ...solibDirs.filter((d) => !before.includes(d))];
        return { solibDirsByExecutable: { ...settings.solibDirsByExecutable, [exe]: dirs } };
      })
      .then(
        () => setKept(`Kept for every crash of ${fileName(exe)}.`),
        (e: unknown) => setKept(e instanceof Error ? e.message : String(e)),
      );
  };
  const debugDirs = crash.loaded?.debugDirs ?? [];
  const solibDirs = crash.loaded?.solibDirs ?? [];
  const chosen = (dir: string | null, what: Picking): void => {
    setPicking(null);
    if (!dir) return;
    if (what.kind === 'debug' && !debugDirs.includes(dir)) void reanalyze({ debugDirs: [...debugDirs, dir] });
    if (what.kind === 'library' && !solibDirs.includes(dir)) void reanalyze({ solibDirs: [...solibDirs, dir] });
  };
  const pick = (what: Picking): void => {
    if (desktop) void desktop.pickFolder().then((dir) => chosen(dir, what));
    else setPicking(what);
  };
  const [row, setRow] = useState(0);
  // Enter on a module that was not found asks where it is, as its Locate… button does.
  const { itemProps } = useRoving({
    count: crash.modules.length,
    selected: row,
    onSelect: setRow,
    onOpen: (i) => {
      const m = crash.modules[i];
      if (m && !m.hostPath) pick({ kind: 'library', module: m });
    },
  });
  const lacking = crash.modules.filter((m) => m.symbols !== 'debug-info').length;
  return (
    <div className="modules">
      <div className="modules-actions">
        <button onClick={() => pick({ kind: 'library', module: null })}>Add library folder…</button>
        {program && solibDirs.length > 0 && (
          <button onClick={() => keepForProgram(program)} title="Search these library folders for every crash of this program">
            Keep for every {fileName(program)}
          </button>
        )}
        <button onClick={() => pick({ kind: 'debug' })}>Add debug directory…</button>
        <label>
          Debugger{' '}
          <select
            aria-label="Debugger for this crash"
            value={debuggerChoice}
            onChange={(e) => setDebuggerChoice(e.target.value as Crash['debugger'])}
          >
            <DebuggerOptions />
          </select>
        </label>
        <button
          onClick={() => void reanalyze(debuggerChoice === crash.debugger ? {} : { debugger: debuggerChoice })}
          title="Look again in the folders and ask the symbol servers, for symbols that have arrived since"
        >
          {debuggerChoice === crash.debugger ? 'Analyse again' : `Analyse again with ${debuggerChoice}`}
        </button>
        <span className="muted">
          {lacking ? `${lacking} of ${crash.modules.length} modules lack debug info. ` : ''}
          {[
            solibDirs.length ? `Library folders: ${solibDirs.join(', ')}` : '',
            crash.loaded?.sysroot ? `Sysroot: ${crash.loaded.sysroot}` : '',
            debugDirs.length ? `Debug directories: ${debugDirs.join(', ')}` : 'Debug info is looked up under /usr/lib/debug.',
            crash.loaded?.symbolServers?.length ? `Symbol servers: ${crash.loaded.symbolServers.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join(' · ')}
        </span>
      </div>
      {kept && (
        <p role="status" className="muted">
          {kept}
        </p>
      )}
      {picking && (
        <FileBrowser
          mode="folder"
          title={
            picking.kind === 'debug'
              ? 'Choose a debug directory'
              : `Choose the folder that holds ${picking.module ? fileName(picking.module.path) : 'the program and its libraries'}`
          }
          onChoose={(dir) => chosen(dir, picking)}
          onCancel={() => setPicking(null)}
        />
      )}
      <div className="table-scroll">
        <table aria-label="Modules">
          <thead>
            <tr>
              <th>Module</th>
              <th>Build-id / debug id</th>
              <th>Symbols</th>
              <th>File from</th>
              <th>Debug info from</th>
              <th>Path on this machine</th>
            </tr>
          </thead>
          <tbody>
            {crash.modules.map((m, i) => (
              <tr
                key={`${m.path}-${m.start}`}
                className={`symbols-${m.symbols}`}
                aria-selected={i === row}
                onClick={() => setRow(i)}
                {...itemProps(i)}
              >
                <td title={m.path}>
                  {fileName(m.path)}
                  {m.version && <span className="muted"> {m.version}</span>}
                </td>
                <td>
                  {m.buildId ? (
                    <code title={m.buildId}>{m.buildId.slice(0, 16)}</code>
                  ) : m.debugId ? (
                    <code title={`${m.debugName ?? ''} ${m.debugId}${m.codeId ? `, code id ${m.codeId}` : ''}`.trim()}>
                      {m.debugId.slice(0, 16)}
                    </code>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{STATUS[m.symbols]}</td>
                <td>
                  <Origin origin={m.origin?.file} missing={m.hostPath ? '' : 'not found'} />
                </td>
                <td>
                  <Origin origin={m.origin?.debug} missing="none" />
                </td>
                <td title={m.debugFile ?? m.hostPath ?? undefined}>
                  {m.hostPath ?? (
                    <button aria-label={`Locate ${fileName(m.path)}`} onClick={() => pick({ kind: 'library', module: m })}>
                      Locate…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
