import { useEffect } from 'react';
import { useCrashStore } from '../stores/crash-store';
import { useGroupsStore } from '../stores/groups-store';
import { GroupFilters } from './GroupFilters';
import { StatusHeader } from './StatusHeader';
import { GroupPage } from './GroupPage';
import { GroupsTable } from './GroupsTable';
import { UndoNotice } from './UndoNotice';
import { BulkActions } from './BulkActions';
import { ImportPanel } from '../sources/ImportPanel';

/** The triage view: import, filters and the groups table; or, once a group is opened, its page. */
export function GroupsView({ onOpenCrash }: { onOpenCrash(): void }) {
  const { refresh, error, openGroupId } = useGroupsStore();
  const show = useCrashStore((s) => s.show);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const errorBar = error && (
    <div className="error-bar" role="alert">
      {error}
    </div>
  );
  if (openGroupId !== null) {
    return (
      <>
        {errorBar}
        <UndoNotice />
        <GroupPage onOpenCrash={(id) => void show(id).then(onOpenCrash)} />
      </>
    );
  }
  return (
    <main className="groups">
      <ImportPanel />
      {errorBar}
      <UndoNotice />
      <StatusHeader />
      <GroupFilters />
      <div className="groups-main">
        <BulkActions />
        <GroupsTable />
      </div>
    </main>
  );
}
