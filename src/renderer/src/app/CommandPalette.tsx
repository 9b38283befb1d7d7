import { useEffect, useMemo, useState } from 'react';
import { useCommandStore, type Command } from '../stores/command-store';
import { Modal } from '../widgets/Modal';
import { useRoving } from '../widgets/roving';

/** Every word typed must be in the command's title or section, in any order. */
function matches(command: Command, query: string): boolean {
  const text = `${command.title} ${command.section}`.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => text.includes(word));
}

/** Ctrl+Shift+P or Ctrl+K: every action of the app by name, as in VS Code. */
export function CommandPalette({ onClose }: { onClose(): void }) {
  const commands = useCommandStore((s) => s.commands);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState(0);
  const shown = useMemo(
    () =>
      [...commands.values()]
        .filter((c) => matches(c, query))
        .sort((a, b) => a.section.localeCompare(b.section) || a.title.localeCompare(b.title)),
    [commands, query],
  );
  useEffect(() => setSelected(0), [query]);
  const run = (command: Command | undefined): void => {
    if (!command) return;
    onClose();
    // After the palette has closed and given the focus back, so a dialog the command opens keeps it.
    setTimeout(() => command.run(), 0);
  };
  const { itemProps } = useRoving({ count: shown.length, selected, onSelect: setSelected, onOpen: (i) => run(shown[i]) });
  return (
    <Modal label="Command palette" onClose={onClose} className="command-palette">
      <input
        aria-label="Command"
        placeholder="Type a command…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setSelected((s) => Math.max(0, Math.min(shown.length - 1, s + (e.key === 'ArrowDown' ? 1 : -1))));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            run(shown[selected]);
          }
        }}
        aria-activedescendant={shown[selected] ? `command-${shown[selected].id}` : undefined}
        aria-controls="command-list"
        role="combobox"
        aria-expanded
      />
      <ul id="command-list" role="listbox" aria-label="Commands">
        {shown.map((c, i) => (
          <li key={c.id} id={`command-${c.id}`} role="option" aria-selected={i === selected} onClick={() => run(c)} {...itemProps(i)}>
            <span className="command-section">{c.section}</span> {c.title}
            {c.shortcut && <kbd>{c.shortcut}</kbd>}
          </li>
        ))}
        {shown.length === 0 && <li className="muted">No command matches “{query}”.</li>}
      </ul>
    </Modal>
  );
}

/** The keyboard's map: what each key does where. */
export const SHORTCUTS: [string, string][] = [
  ['Ctrl+Shift+P, Ctrl+K', 'Command palette: every action by name'],
  ['?', 'This list of shortcuts'],
  ['↑ ↓ Home End PgUp PgDn', 'Move in a list or table (groups, crashes, threads, frames)'],
  ['Enter', 'Open the group or crash, unfold a run of recursion'],
  ['Escape', 'Close a dialog; from a group’s page, back to the groups'],
  ['Tab, Shift+Tab', 'Next and previous control; inside a dialog, they stay in it'],
  ['← → on a split handle', 'Resize the panes of the crash view'],
  ['Ctrl+Shift+C, Ctrl+Shift+V', 'Copy and paste in the console (Ctrl+C goes to the debugger)'],
];

export function ShortcutHelp({ onClose }: { onClose(): void }) {
  return (
    <Modal label="Keyboard shortcuts" onClose={onClose} className="shortcut-help">
      <h2>Keyboard shortcuts</h2>
      <table aria-label="Shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="modal-actions">
        <button onClick={onClose}>Close</button>
      </div>
    </Modal>
  );
}
