import type { GroupNotes } from '../../shared/model';
import type { Db } from './database';

const EMPTY: GroupNotes = { text: '', ticket: null, updatedAt: null };

interface NotesRow {
  text: string;
  ticket: string | null;
  updated_at: string;
}

/**
 * Notes and ticket links on groups. Groups come and go (merges, regroups drop emptied ones), so
 * notes follow the crashes: into the merge target, or into the group most of them moved to.
 */
export class GroupNotesStore {
  constructor(private readonly db: Db) {}

  get(groupId: number): GroupNotes {
    const row = this.db.prepare('SELECT text, ticket, updated_at FROM group_notes WHERE group_id = ?').get(groupId) as NotesRow | undefined;
    return row ? { text: row.text, ticket: row.ticket, updatedAt: row.updated_at } : EMPTY;
  }

  set(groupId: number, notes: { text: string; ticket: string | null }): GroupNotes {
    if (!this.db.prepare('SELECT 1 FROM groups WHERE id = ?').get(groupId)) throw new Error(`no group with id ${groupId}`);
    const ticket = notes.ticket?.trim() || null;
    if (!notes.text.trim() && !ticket) {
      this.db.prepare('DELETE FROM group_notes WHERE group_id = ?').run(groupId);
      return EMPTY;
    }
    const updatedAt = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO group_notes (group_id, text, ticket, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(group_id) DO UPDATE SET text = excluded.text, ticket = excluded.ticket, updated_at = excluded.updated_at`,
      )
      .run(groupId, notes.text, ticket, updatedAt);
    return { text: notes.text, ticket, updatedAt };
  }

  /** Moves a group's notes onto another, after the other's own; a second ticket is kept in the text. */
  carry(sourceId: number, targetId: number): void {
    const source = this.get(sourceId);
    if (source.updatedAt === null || sourceId === targetId) return;
    const target = this.get(targetId);
    const ticket = target.ticket ?? source.ticket;
    const lostTicket = source.ticket && source.ticket !== ticket ? `\nTicket: ${source.ticket}` : '';
    const carried = `${source.text}${lostTicket}`.trim();
    const text = target.text.trim() ? `${target.text.trim()}\n\nFrom group #${sourceId}:\n${carried}` : carried;
    this.set(targetId, { text, ticket });
    this.db.prepare('DELETE FROM group_notes WHERE group_id = ?').run(sourceId);
  }

  /** The crashes of each group that has notes: taken before a regroup, to know where the notes go. */
  notedMembers(): Map<number, string[]> {
    const rows = this.db
      .prepare('SELECT c.group_id AS groupId, c.id FROM crashes c JOIN group_notes n ON n.group_id = c.group_id')
      .all() as Array<{ groupId: number; id: string }>;
    const members = new Map<number, string[]>();
    for (const r of rows) members.set(r.groupId, [...(members.get(r.groupId) ?? []), r.id]);
    return members;
  }

  /** After a regroup: a noted group left without crashes hands its notes to where most of them went. */
  followMembers(before: Map<number, string[]>): void {
    const groupOf = this.db.prepare('SELECT group_id FROM crashes WHERE id = ?');
    const stillUsed = this.db.prepare('SELECT 1 FROM crashes WHERE group_id = ? LIMIT 1');
    for (const [groupId, crashIds] of before) {
      if (stillUsed.get(groupId)) continue;
      const votes = new Map<number, number>();
      for (const id of crashIds) {
        const now = (groupOf.get(id) as { group_id: number | null } | undefined)?.group_id;
        if (now != null) votes.set(now, (votes.get(now) ?? 0) + 1);
      }
      const [target] = [...votes].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0] ?? [];
      if (target !== undefined) this.carry(groupId, target);
    }
  }
}
