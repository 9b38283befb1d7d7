import { useEffect } from 'react';
import { useCrashStore } from '../stores/crash-store';
import { useGroupsStore } from '../stores/groups-store';
import { GroupFilters } from './GroupFilters';
import { GroupPanel } from './GroupPanel';
import { GroupsTable } from './GroupsTable';
import { ImportPanel } from '../sources/ImportPanel';

/** The triage view: import, filters, the groups table and the selected group. */
export function GroupsView({ onOpenCrash }: { onOpenCrash(): void }) {
  const { refresh, error } = useGroupsStore();
  const show = useCrashStore((s) => s.show);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <main className="groups">
      <ImportPanel />
      {error && (
        <div className="error-bar" role="alert">
          {error}
        </div>
      )}
      <GroupFilters />
      <GroupsTable />
      <GroupPanel
        onOpen={(id) => {
          void show(id).then(onOpenCrash);
        }}
      />
    </main>
  );
}
