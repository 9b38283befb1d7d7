import { lazy, Suspense, useEffect, useState } from 'react';
import type { Frame, SourceResult } from '../../../shared/model';
import { desktop } from '../desktop';
import { sourceFiles } from '../stores/source-store';
import { FileBrowser } from '../widgets/FileBrowser';
import { fileName } from '../../../shared/frame-label';

// Monaco is most of the UI's code: it loads with the first source shown, not with the app.
const Editor = lazy(() => import('./SourceEditor'));

/** Maps the build's path to a checkout, for this executable only. */
function MapBuildPath({ file, executable, onMapped }: { file: string; executable: string; onMapped(): void }) {
  const [from, setFrom] = useState(file.slice(0, file.lastIndexOf('/')) || '/');
  const [to, setTo] = useState('');
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (): Promise<void> => {
    try {
      await sourceFiles.mapBuildPath(executable, from, to);
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
  const [folderError, setFolderError] = useState<string | null>(null);
  const file = frame?.file ?? null;

  useEffect(() => {
    setResult(null);
    if (!file) return;
    let current = true;
    sourceFiles.read(file, executable ?? null, buildId ?? null).then(
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
    try {
      await sourceFiles.addFolder(folder);
      setFolderError(null);
      setVersion((v) => v + 1);
    } catch (e) {
      setFolderError(e instanceof Error ? e.message : String(e));
    }
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
        <Suspense fallback={<p className="muted">Loading the editor…</p>}>
          <Editor source={result} line={frame.line ?? 1} />
        </Suspense>
      </>
    );
  else
    body = (
      <div className="source-missing" role="status">
        <p>{result.message}</p>
        {result.buildFolder && (
          <button className="primary trust-folder" onClick={() => void addFolder(result.buildFolder ?? null)}>
            Read sources from <bdi>{result.buildFolder}</bdi>
          </button>
        )}
        <button onClick={chooseFolder}>Choose source folder…</button>
        {folderError && <p role="alert">{folderError}</p>}
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
