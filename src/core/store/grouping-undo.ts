import type { GroupStatus, GroupingChange } from '../../shared/model';
import type { Db } from './database';
import type { GroupStore } from './group-store';
import type { GroupingRules } from './grouping-rules';
import { restoreSnapshot, takeSnapshot, type GroupingSnapshot } from './grouping-snapshot';

/**
 * Every grouping change a person makes (merge, move-out, status) is journalled with what it takes
 * to put things back, so the app can offer Undo. A change is undone once; undoing checks the
 * groups are still there (a regroup may have dropped an emptied one) and says so when not.
 */
type NotesRow = { text: string; ticket: string | null; updated_at: string } | null;

type UndoRecord =
  | {
      kind: 'merge';
      sourceId: number;
      targetId: number;
      sourceFingerprint: string;
      /** Where the source's own fingerprint led before (a link of an earlier merge), or null. */
      linkBefore: number | null;
      links: string[];
      pins: string[];
      crashes: string[];
      notes: { source: NotesRow; target: NotesRow };
    }
  | { kind: 'move-out'; crashId: string; fromGroupId: number; newGroupId: number; pinBefore: number | null }
  | { kind: 'status'; groupId: number; status: GroupStatus; resolvedAt: string | null }
  /** `project` is absent in records written before rules per project: those are the database's. */
  | { kind: 'rules'; previous: string | null; project?: string | null; snapshot: GroupingSnapshot };

const MAX_KEPT = 200;

export class GroupingUndo {
  constructor(
    private readonly db: Db,
    private readonly groups: GroupStore,
    private readonly rules: GroupingRules,
  ) {}

  /** Applies new grouping rules (null: the default ones), to be undone by applying the ones before. */
  applyRules(text: string | null, project: string | null = null): GroupingChange {
    // The grouping as it stands is kept whole: undoing puts back every group as it was, its id,
    // status and notes, not a regrouping by the old rules.
    const snapshot = takeSnapshot(this.db);
    const applied = this.rules.apply(text, project);
    const { regrouped } = applied;
    const whose = project === null ? '' : ` for project ${project}`;
    return this.record(
      { kind: 'rules', previous: applied.previous, project, snapshot },
      `Regrouped ${regrouped} ${regrouped === 1 ? 'crash' : 'crashes'} by ${applied.rules === 'default' ? 'the default rules' : `rules ${applied.rules}`}${whose}`,
    );
  }

  private ids(sql: string, id: number): string[] {
    return (this.db.prepare(sql).all(id) as { v: string }[]).map((r) => r.v);
  }

  private notes(groupId: number): NotesRow {
    return (
      (this.db.prepare('SELECT text, ticket, updated_at FROM group_notes WHERE group_id = ?').get(groupId) as NotesRow | undefined) ?? null
    );
  }

  private record(record: UndoRecord, summary: string): GroupingChange {
    const id = Number(
      this.db.prepare('INSERT INTO grouping_undo (record, created_at) VALUES (?, ?)').run(JSON.stringify(record), new Date().toISOString())
        .lastInsertRowid,
    );
    this.db.prepare('DELETE FROM grouping_undo WHERE id <= ?').run(id - MAX_KEPT);
    return { undoId: id, summary };
  }

  merge(sourceId: number, targetId: number): GroupingChange {
    const source = this.db.prepare('SELECT fingerprint FROM groups WHERE id = ?').get(sourceId) as { fingerprint: string } | undefined;
    if (!source) throw new Error(`no group with id ${sourceId}`);
    const before: UndoRecord = {
      kind: 'merge',
      sourceId,
      targetId,
      sourceFingerprint: source.fingerprint,
      linkBefore:
        (
          this.db.prepare('SELECT group_id FROM group_links WHERE fingerprint = ?').get(source.fingerprint) as
            { group_id: number } | undefined
        )?.group_id ?? null,
      links: this.ids('SELECT fingerprint AS v FROM group_links WHERE group_id = ?', sourceId),
      pins: this.ids('SELECT crash_id AS v FROM crash_pins WHERE group_id = ?', sourceId),
      crashes: this.ids('SELECT id AS v FROM crashes WHERE group_id = ?', sourceId),
      notes: { source: this.notes(sourceId), target: this.notes(targetId) },
    };
    this.groups.merge(sourceId, targetId);
    const moved = before.crashes.length;
    return this.record(before, `Merged group #${sourceId} into #${targetId} (${moved} ${moved === 1 ? 'crash' : 'crashes'} moved)`);
  }

  moveOut(crashId: string): { groupId: number; change: GroupingChange } {
    const from = this.groups.groupOf(crashId).groupId;
    const pinBefore =
      (this.db.prepare('SELECT group_id FROM crash_pins WHERE crash_id = ?').get(crashId) as { group_id: number } | undefined)?.group_id ??
      null;
    const groupId = this.groups.moveToNewGroup(crashId);
    const change = this.record(
      { kind: 'move-out', crashId, fromGroupId: from ?? groupId, newGroupId: groupId, pinBefore },
      `Moved the crash to a new group #${groupId}`,
    );
    return { groupId, change };
  }

  setStatus(groupId: number, status: GroupStatus): GroupingChange {
    const row = this.db.prepare('SELECT status, resolved_at FROM groups WHERE id = ?').get(groupId) as
      { status: GroupStatus; resolved_at: string | null } | undefined;
    this.groups.setStatus(groupId, status);
    return this.record(
      { kind: 'status', groupId, status: row?.status ?? 'new', resolvedAt: row?.resolved_at ?? null },
      `Marked group #${groupId} ${status}`,
    );
  }

  /** Puts back what the change with this id did; returns what was undone, in words. */
  undo(undoId: number): string {
    const row = this.db.prepare('SELECT record FROM grouping_undo WHERE id = ?').get(undoId) as { record: string } | undefined;
    if (!row) throw new Error(`there is nothing to undo with id ${undoId}: it was undone already, or is too old`);
    const record = JSON.parse(row.record) as UndoRecord;
    const exists = (id: number) => this.db.prepare('SELECT 1 FROM groups WHERE id = ?').get(id) !== undefined;
    let said: string;
    switch (record.kind) {
      case 'merge': {
        if (!exists(record.sourceId))
          throw new Error(`group #${record.sourceId} is gone since the merge (a regroup removed it); the merge cannot be undone`);
        if (record.linkBefore === null) this.db.prepare('DELETE FROM group_links WHERE fingerprint = ?').run(record.sourceFingerprint);
        else this.db.prepare('UPDATE group_links SET group_id = ? WHERE fingerprint = ?').run(record.linkBefore, record.sourceFingerprint);
        const back = (sql: string, ids: string[]) => {
          const statement = this.db.prepare(sql);
          for (const id of ids) statement.run(record.sourceId, id, record.targetId);
        };
        back('UPDATE group_links SET group_id = ? WHERE fingerprint = ? AND group_id = ?', record.links);
        back('UPDATE crash_pins SET group_id = ? WHERE crash_id = ? AND group_id = ?', record.pins);
        back('UPDATE crashes SET group_id = ? WHERE id = ? AND group_id = ?', record.crashes);
        this.restoreNotes(record.sourceId, record.notes.source);
        this.restoreNotes(record.targetId, record.notes.target);
        this.groups.refreshStats(record.sourceId);
        this.groups.refreshStats(record.targetId);
        said = `Group #${record.sourceId} is separate again`;
        break;
      }
      case 'move-out': {
        if (!exists(record.fromGroupId))
          throw new Error(`group #${record.fromGroupId} is gone since the move (a regroup removed it); the move cannot be undone`);
        if (record.pinBefore === null) this.db.prepare('DELETE FROM crash_pins WHERE crash_id = ?').run(record.crashId);
        else this.db.prepare('UPDATE crash_pins SET group_id = ? WHERE crash_id = ?').run(record.pinBefore, record.crashId);
        this.db.prepare('UPDATE crashes SET group_id = ? WHERE id = ?').run(record.fromGroupId, record.crashId);
        this.groups.refreshStats(record.fromGroupId);
        this.groups.refreshStats(record.newGroupId);
        this.db.prepare('DELETE FROM groups WHERE id = ? AND crash_count = 0').run(record.newGroupId);
        said = `The crash is back in group #${record.fromGroupId}`;
        break;
      }
      case 'rules': {
        const project = record.project ?? null;
        const rules = this.rules.restore(record.previous, () => restoreSnapshot(this.db, record.snapshot), project);
        said = `The grouping is back as it was, by ${rules === 'default' ? 'the default rules' : `rules ${rules}`}${project === null ? '' : ` for project ${project}`}`;
        break;
      }
      case 'status':
        if (!exists(record.groupId)) throw new Error(`group #${record.groupId} is gone; its status cannot be set back`);
        this.db.prepare('UPDATE groups SET status = ?, resolved_at = ? WHERE id = ?').run(record.status, record.resolvedAt, record.groupId);
        said = `Group #${record.groupId} is ${record.status} again`;
        break;
    }
    this.db.prepare('DELETE FROM grouping_undo WHERE id = ?').run(undoId);
    return said;
  }

  private restoreNotes(groupId: number, notes: NotesRow): void {
    if (!notes) {
      this.db.prepare('DELETE FROM group_notes WHERE group_id = ?').run(groupId);
      return;
    }
    this.db
      .prepare(
        `INSERT INTO group_notes (group_id, text, ticket, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(group_id) DO UPDATE SET text = excluded.text, ticket = excluded.ticket, updated_at = excluded.updated_at`,
      )
      .run(groupId, notes.text, notes.ticket, notes.updated_at);
  }
}
