/** Something that holds what must be given back: a process, a file, a listener, a timer. */
export interface Disposable {
  dispose(): void;
}

export const toDisposable = (dispose: () => void): Disposable => ({ dispose });

/**
 * What an owner holds, given back together, the latest first: what was made from something else
 * goes before it. Added after the store was disposed, a thing is given back at once. One failure
 * does not keep the rest: every one is disposed, and then the failures are thrown together.
 */
export class DisposableStore implements Disposable {
  private readonly held: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.held.push(item);
    return item;
  }

  dispose(): void {
    this.disposed = true;
    const failures: unknown[] = [];
    for (let item = this.held.pop(); item; item = this.held.pop()) {
      try {
        item.dispose();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} things could not be given back`);
  }
}
