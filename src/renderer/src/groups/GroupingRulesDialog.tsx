import { useEffect, useRef, useState } from 'react';
import type { PreviewGroup, RulesCheck } from '../../../shared/model';
import { triageRequests } from '../stores/triage-store';
import { useCommands } from '../stores/command-store';
import { useGroupsStore } from '../stores/groups-store';
import { Modal } from '../widgets/Modal';
import { plural } from '../widgets/plural';
import { RulesEditor } from './RulesEditor';

const describe = (g: PreviewGroup): string =>
  `${g.id === null ? 'a new group' : `#${g.id}`} (${plural(g.crashes, 'crash', 'crashes')}): ${g.title}`;

/** The start of line `line` (from 1) in `text`. */
function lineStart(text: string, line: number): number {
  let at = 0;
  for (let i = 1; i < line; i++) {
    const next = text.indexOf('\n', at);
    if (next < 0) return text.length;
    at = next + 1;
  }
  return at;
}

/** What the rules in the editor are, in words. */
function whoseRules(project: string | null, own: boolean, projects: number): string {
  const scope = projects > 0 ? ', for the crashes of every project without rules of its own' : '';
  if (project === null) return `${own ? 'this database’s own rules' : 'the default rules'}${scope}`;
  return own ? `project ${project}’s own rules` : `the database’s rules, which project ${project} follows until it has its own`;
}

/**
 * The grouping rules of the database or of one project (crashes whose `project` attribute names
 * it), edited as text: Check shows the errors by line (each takes the caret to its line) or what
 * the rules would do to the stored crashes; Apply regroups by them, once checked as they stand,
 * as one change to undo.
 */
function GroupingRulesDialog({ onClose }: { onClose(): void }) {
  const applyRules = useGroupsStore((s) => s.applyRules);
  const [project, setProject] = useState<string | null>(null);
  const [projects, setProjects] = useState<string[]>([]);
  const [text, setText] = useState<string | null>(null);
  const [own, setOwn] = useState(false);
  const [check, setCheck] = useState<{ text: string; result: RulesCheck } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const editor = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    setText(null);
    setCheck(null);
    triageRequests.getGroupingRules(project).then(
      (rules) => {
        setText(rules.text);
        setOwn(rules.own);
        setProjects(rules.projects);
      },
      (e: unknown) => setError(`could not read the grouping rules: ${e instanceof Error ? e.message : String(e)}`),
    );
  }, [project]);
  // Buttons stay enabled while something runs: a button disabled under the focus drops it out of the
  // dialog, where Escape and Tab no longer reach it. A press while busy does nothing.
  const run = async (what: string, action: () => Promise<void>): Promise<void> => {
    if (busy !== null) return;
    setBusy(what);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  const goTo = (line: number): void => {
    const area = editor.current;
    if (!area || text === null) return;
    const start = lineStart(text, line);
    const end = text.indexOf('\n', start);
    area.focus();
    area.setSelectionRange(start, end < 0 ? text.length : end);
  };
  const checked = check !== null && check.text === text ? check.result : null;
  const preview = checked?.preview ?? null;
  return (
    <Modal label="Grouping rules" onClose={onClose} className="rules-dialog">
      <h2>Grouping rules</h2>
      {projects.length > 0 && (
        <label className="rules-scope">
          Rules of{' '}
          <select value={project ?? ''} onChange={(e) => setProject(e.target.value === '' ? null : e.target.value)}>
            <option value="">the database</option>
            {projects.map((p) => (
              <option key={p} value={p}>
                project {p}
              </option>
            ))}
          </select>
        </label>
      )}
      <p className="muted">
        One rule a line, as Sentry’s stack trace rules: <code>stack.function:NAME -group</code>, <code>stack.module:libvendor.so -app</code>
        , <code>stack.function:die +machinery</code>. These are {whoseRules(project, own, projects.length)}; Check tries them on the stored
        crashes without changing anything.
      </p>
      {text === null ? (
        <p className="muted">{error ?? 'Reading the rules…'}</p>
      ) : (
        <RulesEditor ref={editor} text={text} onChange={setText} errors={check?.text === text ? check.result.errors : []} />
      )}
      <div className="rules-result" aria-live="polite">
        {checked && checked.errors.length > 0 && (
          <div role="alert">
            <p className="error">
              {checked.errors.length === 1 ? 'A line is not a rule' : `${checked.errors.length} lines are not rules`}; nothing is applied
              until {checked.errors.length === 1 ? 'it is' : 'they are'} mended:
            </p>
            <ul className="rules-errors">
              {checked.errors.map((e) => (
                <li key={e.line}>
                  <button type="button" className="link" onClick={() => goTo(e.line)}>
                    Line {e.line}
                  </button>
                  : {e.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        {preview && (
          <div className="rules-preview">
            <p>
              Over the {plural(preview.crashes, 'stored crash', 'stored crashes')}: {preview.groupsBefore} groups now, {preview.groupsAfter}{' '}
              with these rules; {plural(preview.moved, 'crash', 'crashes')} would move, {plural(preview.merged, 'group', 'groups')} would
              gather others, {plural(preview.split, 'group')} would come apart.
            </p>
            {preview.warnings.map((w) => (
              <p key={w} className="error" role="alert">
                {w}
              </p>
            ))}
            {preview.merges.length > 0 && (
              <>
                <h3>Would merge</h3>
                <ul>
                  {preview.merges.map((m, i) => (
                    <li key={i}>
                      into {describe(m.into)}: {m.groups.map(describe).join('; ')}
                    </li>
                  ))}
                </ul>
              </>
            )}
            {preview.splits.length > 0 && (
              <>
                <h3>Would split</h3>
                <ul>
                  {preview.splits.map((s, i) => (
                    <li key={i}>
                      {describe(s.group)} into {s.into.map(describe).join('; ')}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
        {busy && <p className="muted">{busy}…</p>}
        {error && text !== null && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="modal-actions">
        {own && (
          <button
            type="button"
            aria-disabled={busy !== null}
            onClick={() => void run('Regrouping', async () => applyRules(null, project).then(onClose))}
          >
            {project === null ? 'Use the default rules' : 'Follow the database’s rules'}
          </button>
        )}
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          disabled={text === null}
          aria-disabled={busy !== null}
          onClick={() =>
            void run('Trying the rules on the stored crashes', async () => {
              if (text !== null) setCheck({ text, result: await triageRequests.checkGroupingRules(text, project) });
            })
          }
        >
          Check
        </button>
        <button
          type="button"
          className="primary"
          disabled={!checked || checked.errors.length > 0}
          aria-disabled={busy !== null}
          title={checked ? undefined : 'Check the rules as they stand first'}
          onClick={() => void run('Regrouping', async () => applyRules(text, project).then(onClose))}
        >
          Apply
        </button>
      </div>
    </Modal>
  );
}

/** The groups' Grouping rules… button, also in the command palette, and the dialog it opens. */
export function GroupingRulesButton() {
  const [open, setOpen] = useState(false);
  useCommands([{ id: 'groups.rules', title: 'Grouping rules…', section: 'Groups' }], () => setOpen(true));
  return (
    <>
      <button onClick={() => setOpen(true)}>Grouping rules…</button>
      {open && <GroupingRulesDialog onClose={() => setOpen(false)} />}
    </>
  );
}
