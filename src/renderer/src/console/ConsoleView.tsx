import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'react';
import { attachConsoleOutput, resizeConsole, useConsoleStore, writeToConsole } from '../stores/console-store';
import { useCommands } from '../stores/command-store';
import { usePrefersDark } from '../widgets/color-scheme';

/**
 * The console's colours follow the app's light or dark set; the debuggers' ANSI colours are
 * raised to 4.5:1 against the background by xterm.js itself (minimumContrastRatio).
 */
const THEMES = {
  light: { background: '#ffffff', foreground: '#1d2430', cursor: '#2a55b5', selectionBackground: '#c9d6f5' },
  dark: { background: '#1e2430', foreground: '#e3e7ee', cursor: '#f0c674', selectionBackground: '#44506a' },
};

/**
 * Copy and paste with Ctrl+Shift+C / Ctrl+Shift+V, as in terminal emulators: plain Ctrl+C and
 * Ctrl+V belong to the debugger.
 */
function clipboardKeys(term: Terminal, paste: (text: string) => void) {
  return (event: KeyboardEvent): boolean => {
    if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
    if (event.code === 'KeyC' && term.hasSelection()) {
      void navigator.clipboard.writeText(term.getSelection());
      return false;
    }
    if (event.code === 'KeyV') {
      void navigator.clipboard.readText().then(paste, () => undefined);
      return false;
    }
    return true;
  };
}

/** gdb's own command line, on the same session as the views, in a terminal. */
interface Props {
  crashId: string;
  analysis: string;
  /** Where the console is docked below the crash view: whether it is folded away, and how to fold it. */
  docked?: { collapsed: boolean; toggle(): void };
}

export function ConsoleView({ crashId, analysis, docked }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const { session, status, reason, open } = useConsoleStore();
  const sessionId = session?.sessionId ?? null;
  // Keys typed while the debugger starts are sent once it is there.
  const early = useRef<string[]>([]);
  useEffect(() => {
    if (!sessionId || early.current.length === 0) return;
    const typed = early.current.join('');
    early.current = [];
    writeToConsole(typed, (error: unknown) => useConsoleStore.setState({ reason: String(error) }));
  }, [sessionId]);

  const terminal = useRef<Terminal | null>(null);
  const dark = usePrefersDark();
  useEffect(() => {
    if (terminal.current) terminal.current.options.theme = dark ? THEMES.dark : THEMES.light;
  }, [dark]);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const term = new Terminal({
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      cursorBlink: true,
      scrollback: 5000,
      theme: window.matchMedia('(prefers-color-scheme: dark)').matches ? THEMES.dark : THEMES.light,
      screenReaderMode: false,
      minimumContrastRatio: 4.5,
    });
    terminal.current = term;
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(element);
    // The terminal is where a person looks while typing, so a failed call is reported there.
    const report = (error: unknown): void =>
      term.write(`\r\n\x1b[31m[${error instanceof Error ? error.message : String(error)}]\x1b[m\r\n`);
    const send = (data: string): void => {
      if (!writeToConsole(data, report)) early.current.push(data);
    };
    term.attachCustomKeyEventHandler(clipboardKeys(term, (text) => term.paste(text)));
    const typed = term.onData(send);
    const detach = attachConsoleOutput((data) => term.write(data));
    let size = { cols: 0, rows: 0 };
    const refit = (): void => {
      const proposed = fit.proposeDimensions();
      if (!proposed || !proposed.cols || !proposed.rows) return;
      fit.fit();
      if (proposed.cols === size.cols && proposed.rows === size.rows) return;
      size = { cols: proposed.cols, rows: proposed.rows };
      resizeConsole(size, report);
    };
    refit();
    const observer = new ResizeObserver(refit);
    observer.observe(element);
    void open(crashId, analysis, size.cols ? size : { cols: 100, rows: 20 });
    return () => {
      observer.disconnect();
      typed.dispose();
      detach();
      term.dispose();
      terminal.current = null;
    };
  }, [crashId, analysis, open]);

  useCommands(
    docked ? [{ id: 'console.toggle', title: docked.collapsed ? 'Show the console' : 'Hide the console', section: 'Crash' }] : [],
    () => docked?.toggle(),
  );

  return (
    <section className="panel console" aria-label="Debugger console">
      <h2>
        Console{session ? ` · ${session.debugger}` : ''}
        {status === 'opening' && <span className="muted"> · starting the debugger…</span>}
        {docked && (
          <button className="console-toggle" aria-expanded={!docked.collapsed} onClick={docked.toggle}>
            {docked.collapsed ? 'Show console' : 'Hide console'}
          </button>
        )}
      </h2>
      {status === 'ended' && reason && (
        <p className="console-ended" role="status">
          The console stopped: {reason}{' '}
          <button onClick={() => void open(crashId, analysis, { cols: 100, rows: 20 })}>Restart console</button>
        </p>
      )}
      <div className="console-terminal" ref={host} />
    </section>
  );
}
