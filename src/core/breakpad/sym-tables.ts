/**
 * The bulk of a Breakpad symbol file — line records and STACK CFI — kept as rows of numbers in
 * typed arrays, with CFI rules as places in the file's bytes, decoded when a walk asks for them.
 * A large file holds tens of millions of such lines: as objects and strings they cost several
 * times the file's size in memory and most of the parse in garbage collection.
 */

/** A growable table of numbers, `width` to a row. */
export class NumberTable {
  data: Float64Array;
  rows = 0;

  constructor(
    readonly width: number,
    initialRows = 1024,
  ) {
    this.data = new Float64Array(width * initialRows);
  }

  private grow(): void {
    const larger = new Float64Array(this.data.length * 2);
    larger.set(this.data);
    this.data = larger;
  }

  /** Makes room for one more row and returns where it starts. */
  private next(): number {
    const at = this.rows * this.width;
    if (at + this.width > this.data.length) this.grow();
    this.rows++;
    return at;
  }

  add3(a: number, b: number, c: number): void {
    const at = this.next();
    this.data[at] = a;
    this.data[at + 1] = b;
    this.data[at + 2] = c;
  }

  add4(a: number, b: number, c: number, d: number): void {
    // The line records' row, made tens of millions of times: room is checked here, not in a call.
    const at = this.rows * this.width;
    if (at + 4 > this.data.length) this.grow();
    this.rows++;
    this.data[at] = a;
    this.data[at + 1] = b;
    this.data[at + 2] = c;
    this.data[at + 3] = d;
  }

  add6(a: number, b: number, c: number, d: number, e: number, f: number): void {
    const at = this.next();
    this.data[at] = a;
    this.data[at + 1] = b;
    this.data[at + 2] = c;
    this.data[at + 3] = d;
    this.data[at + 4] = e;
    this.data[at + 5] = f;
  }

  get(row: number, field: number): number {
    return this.data[row * this.width + field] as number;
  }

  /** Sorts rows `first` to `first + count` by their first field, where they are out of order (rare: dump_syms writes them in order). */
  sortRange(first: number, count: number): void {
    const w = this.width;
    const data = this.data;
    let sorted = true;
    for (let at = (first + 1) * w, end = (first + count) * w; at < end && sorted; at += w)
      sorted = (data[at - w] as number) <= (data[at] as number);
    if (sorted) return;
    const rows = Array.from({ length: count }, (_, i) => this.data.slice((first + i) * w, (first + i + 1) * w));
    rows.sort((a, b) => (a[0] as number) - (b[0] as number));
    rows.forEach((row, i) => this.data.set(row, (first + i) * w));
  }

  /** Ends the table at its last row (a view: copying hundreds of megabytes to save the spare room costs more than it saves). */
  trim(): void {
    this.data = this.data.subarray(0, this.rows * this.width);
  }
}

/** The row among `count` rows (in order of their first field, through `order` when given) whose first field is the last at or before `value`; -1 when none. */
export function lastRowAtOrBefore(table: NumberTable, first: number, count: number, value: number, order?: Uint32Array | null): number {
  let lo = 0;
  let hi = count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const row = order ? (order[mid] as number) : first + mid;
    if (table.get(row, 0) <= value) {
      found = row;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Line records: address, size, line, file. */
export const LINE_WIDTH = 4;
/** STACK CFI INIT entries: address, size, where their rules start and end in the file, their first delta and how many. */
const ENTRY_WIDTH = 6;
/** STACK CFI deltas: address, where their rules start and end. */
const DELTA_WIDTH = 3;

/** A module's STACK CFI records, over the file's bytes. */
export class CfiTable {
  readonly entries: NumberTable;
  readonly deltas: NumberTable;
  /** Entries in address order, where the file did not write them so. */
  private order: Uint32Array | null = null;
  private text: Buffer = Buffer.alloc(0);

  constructor(expectedRows = 1024) {
    this.entries = new NumberTable(ENTRY_WIDTH, expectedRows);
    this.deltas = new NumberTable(DELTA_WIDTH, expectedRows);
  }

  get size(): number {
    return this.entries.rows;
  }

  addEntry(address: number, size: number, rulesStart: number, rulesEnd: number): void {
    this.entries.add6(address, size, rulesStart, rulesEnd, this.deltas.rows, 0);
  }

  /** A change of rules inside the last entry; false when there is none yet. */
  addDelta(address: number, rulesStart: number, rulesEnd: number): boolean {
    const last = this.entries.rows - 1;
    if (last < 0) return false;
    this.deltas.add3(address, rulesStart, rulesEnd);
    this.entries.data[last * ENTRY_WIDTH + 5] = this.entries.get(last, 5) + 1;
    return true;
  }

  /** Done reading: keeps the file's bytes for the rules, and puts entries and each entry's deltas in address order. */
  finish(text: Buffer): void {
    this.text = text;
    this.entries.trim();
    this.deltas.trim();
    for (let r = 0; r < this.entries.rows; r++) this.deltas.sortRange(this.entries.get(r, 4), this.entries.get(r, 5));
    let sorted = true;
    for (let r = 1; r < this.entries.rows && sorted; r++) sorted = this.entries.get(r - 1, 0) <= this.entries.get(r, 0);
    if (!sorted) {
      const order = Array.from({ length: this.entries.rows }, (_, i) => i).sort((a, b) => this.entries.get(a, 0) - this.entries.get(b, 0));
      this.order = Uint32Array.from(order);
    }
  }

  /** The entry whose range holds `rva`, or -1. */
  entryAt(rva: number): number {
    const row = lastRowAtOrBefore(this.entries, 0, this.entries.rows, rva, this.order);
    return row >= 0 && rva < this.entries.get(row, 0) + this.entries.get(row, 1) ? row : -1;
  }

  rules(entry: number): string {
    return this.text.toString('latin1', this.entries.get(entry, 2), this.entries.get(entry, 3));
  }

  /** The entry's changes of rules at or before `rva`, in address order. */
  deltasUpTo(entry: number, rva: number): string[] {
    const out: string[] = [];
    const first = this.entries.get(entry, 4);
    const count = this.entries.get(entry, 5);
    for (let d = first; d < first + count && this.deltas.get(d, 0) <= rva; d++)
      out.push(this.text.toString('latin1', this.deltas.get(d, 1), this.deltas.get(d, 2)));
    return out;
  }
}
