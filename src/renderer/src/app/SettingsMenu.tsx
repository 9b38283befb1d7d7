import { useEffect, useState } from 'react';
import type { DebuggerKind, Settings } from '../../../shared/model';
import { DebuggerOptions } from '../widgets/DebuggerOptions';
import { Modal } from '../widgets/Modal';
import { DialogActions } from '../widgets/DialogActions';
import { useCommands } from '../stores/command-store';
import { useSettingsStore } from '../stores/settings-store';

/** The settings that apply to every crash opened or imported from now on, saved only on Save. */
function SettingsDialog({ settings, onClose }: { settings: Settings; onClose(): void }) {
  const [defaultDebugger, setDefaultDebugger] = useState<DebuggerKind>(settings.defaultDebugger);
  const [error, setError] = useState<string | null>(null);
  const update = useSettingsStore((s) => s.update);
  const save = (): void => {
    update({ defaultDebugger }).then(
      () => onClose(),
      (e: unknown) => setError(`could not save the settings: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  return (
    <Modal label="Settings" onClose={onClose} className="settings-dialog">
      <h2>Settings</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <label className="field">
          Default debugger
          <select
            aria-label="Default debugger"
            value={defaultDebugger}
            onChange={(e) => setDefaultDebugger(e.target.value as DebuggerKind)}
          >
            <DebuggerOptions />
          </select>
          <span className="muted">Analyses the cores opened and imported from now on; minidumps always use lldb.</span>
        </label>
        <DialogActions error={error} submit="Save" onCancel={onClose} />
      </form>
    </Modal>
  );
}

/** The bar's Settings… button and the dialog it opens. */
export function SettingsMenu() {
  const { settings, error, load } = useSettingsStore();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    void load();
  }, [load]);
  useCommands([{ id: 'app.settings', title: 'Settings…', section: 'App' }], () => setOpen(true));
  return (
    <>
      <button className="settings" disabled={!settings} title={error ?? undefined} onClick={() => setOpen(true)}>
        Settings…
      </button>
      {open && settings && <SettingsDialog settings={settings} onClose={() => setOpen(false)} />}
    </>
  );
}
