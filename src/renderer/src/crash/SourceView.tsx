import { useEffect, useRef, useState } from 'react';
import type { Frame, SourceResult } from '../../../shared/model';
import { api, desktop } from '../api';
import { monaco } from '../monaco';
import { FileBrowser } from '../widgets/FileBrowser';
import { fileName } from '../../../shared/frame-label';
import { usePrefersDark } from '../widgets/color-scheme';

const MONACO_LANGUAGE: Record<string, string> = { c: 'cpp', cpp: 'cpp', rust: 'rust', go: 'go' };

function Editor({ source, line }: { source: Extract<SourceResult, { found: true }>; line: number }) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const decorations = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  const dark = usePrefersDark();

  // Monaco's theme is global: it follows the system's light or dark setting with the rest of the app.
  useEffect(() => monaco.editor.setTheme(dark ? 'vs-dark' : 'vs'), [dark]);

  useEffect(() => {
    if (!host.current) return;
    editor.current = monaco.editor.create(host.current, {
      readOnly: true,
      domReadOnly: true,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      theme: window.matchMedia('(prefers-color-scheme: dark)').matches ? 'vs-dark' : 'vs',
      fontSize: 13,
    });
    decorations.current = editor.current.createDecorationsCollection();
    return () => {
      editor.current?.getModel()?.dispose();
      editor.current?.dispose();
    };
  }, []);

  useEffect(() => {
    const ed = editor.current;
    if (!ed) return;
    const old = ed.getModel();
    ed.setModel(monaco.editor.createModel(source.text, MONACO_LANGUAGE[source.language] ?? 'plaintext'));
    old?.dispose();
  }, [source]);

  useEffect(() => {
    const ed = editor.current;
    if (!ed) return;
    decorations.current?.set([
      {
        range: new monaco.Range(line, 1, line, 1),
        options: { isWholeLine: true, className: 'crash-line', glyphMarginClassName: 'crash-glyph' },
      },
    ]);
    ed.revealLineInCenter(line);
  }, [source, line]);

  return <div className="editor" ref={host} data-line={line} data-path={source.path} />;
}

/** Maps the build's path to a checkout, for this executable only. */
function MapBuildPath({ file, executable, onMapped }: { file: string; executable: string; onMapped(): void }) {
  const [from, setFrom] = useState(file.slice(0, file.lastIndexOf('/')) || '/');
  const [to, setTo] = useState('');
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (): Promise<void> => {
    try {
      const existing = await api.getSourceMappings(executable);
      await api.setSourceMappings(executable, [...existing.filter((m) => m.from !== from), { from, to }]);
      onMapped();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <form
      className="map-build-path"
      aria-label="Map the build path"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label>
        Build path <input aria-label="Build path" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        is here <input aria-label="Checkout path" value={to} onChange={(e) => setTo(e.target.value)} placeholder="/home/you/src/project" />
      </label>
      <button type="button" onClick={() => (desktop ? void desktop.pickFolder().then((p) => p && setTo(p)) : setPicking(true))}>
        Choose…
      </button>
      <button type="submit" disabled={!to.startsWith('/') || !from.startsWith('/')}>
        Map for {fileName(executable)}
      </button>
      {error && <span className="muted">{error}</span>}
      {picking && (
        <FileBrowser
          mode="folder"
          title="Choose the checkout"
          onChoose={(p) => {
            setPicking(false);
            setTo(p);
          }}
          onCancel={() => setPicking(false)}
        />
      )}
    </form>
  );
}

export function SourceView({
  frame,
  executable,
  buildId,
}: {
  frame: Frame | undefined;
  executable: string | null;
  /** The build-id of the frame's module, for fetching the file from a symbol server. */
  buildId: string | null;
}) {
  const [result, setResult] = useState<SourceResult | null>(null);
  const [picking, setPicking] = useState(false);
  const [version, setVersion] = useState(0);
  const file = frame?.file ?? null;

  useEffect(() => {
    setResult(null);
    if (!file) return;
    let current = true;
    api.readSource(file, executable, buildId).then(
      (r) => current && setResult(r),
      (e: Error) => current && setResult({ found: false, searched: [], message: e.message }),
    );
    return () => {
      current = false;
    };
  }, [file, executable, buildId, version]);

  const addFolder = async (folder: string | null): Promise<void> => {
    setPicking(false);
    if (!folder) return;
    await api.addSourceFolder(folder);
    setVersion((v) => v + 1);
  };
  const chooseFolder = (): void => {
    if (desktop) void desktop.pickFolder().then(addFolder);
    else setPicking(true);
  };

  let body;
  if (!frame) body = <p className="muted">Select a frame.</p>;
  else if (!file)
    body = (
      <p className="muted">
        Frame #{frame.index} has no source line: {frame.module ? `${frame.module} has no debug info for it` : 'no debug info'}.
      </p>
    );
  else if (!result) body = <p className="muted">Loading {file}…</p>;
  else if (result.found)
    body = (
      <>
        {result.from && <p className="muted source-from">From the symbol server {result.from}</p>}
        <Editor source={result} line={frame.line ?? 1} />
      </>
    );
  else
    body = (
      <div className="source-missing" role="status">
        <p>{result.message}</p>
        <button onClick={chooseFolder}>Choose source folder…</button>
        {executable && file.startsWith('/') && (
          <MapBuildPath file={file} executable={executable} onMapped={() => setVersion((v) => v + 1)} />
        )}
      </div>
    );

  return (
    <section className="panel source" aria-label="Source">
      <h2 title={file ?? undefined}>
        <bdi>{file ? `${file}${frame?.line ? `:${frame.line}` : ''}` : 'Source'}</bdi>
      </h2>
      {body}
      {picking && <FileBrowser mode="folder" onChoose={(p) => void addFolder(p)} onCancel={() => setPicking(false)} />}
    </section>
  );
}
