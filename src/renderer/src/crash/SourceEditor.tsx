import { useEffect, useRef } from 'react';
import type { SourceResult } from '../../../shared/model';
import { monaco } from '../monaco';
import { usePrefersDark } from '../widgets/color-scheme';

const MONACO_LANGUAGE: Record<string, string> = { c: 'cpp', cpp: 'cpp', rust: 'rust', go: 'go' };

/** The source file in a read-only Monaco editor, the crash line marked and in view. */
export default function SourceEditor({ source, line }: { source: Extract<SourceResult, { found: true }>; line: number }) {
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
