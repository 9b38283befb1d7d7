import { describe, expect, it } from 'vitest';
import { DisposableStore, toDisposable } from '../../src/core/platform/disposables';

describe('a store of what an owner must give back', () => {
  it('gives everything back, the latest first', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    for (const name of ['database', 'listeners', 'consoles']) store.add(toDisposable(() => order.push(name)));
    store.dispose();
    expect(order).toEqual(['consoles', 'listeners', 'database']);
  });

  it('gives back at once what is added after it was disposed', () => {
    const store = new DisposableStore();
    store.dispose();
    let given = false;
    store.add(toDisposable(() => (given = true)));
    expect(given).toBe(true);
  });

  it('gives back the rest when one fails, and then throws every failure', () => {
    const store = new DisposableStore();
    let last = false;
    store.add(toDisposable(() => (last = true)));
    store.add(
      toDisposable(() => {
        throw new Error('busy');
      }),
    );
    store.add(
      toDisposable(() => {
        throw new Error('gone');
      }),
    );
    expect(() => store.dispose()).toThrow(/2 things could not be given back/);
    expect(last).toBe(true);
  });
});
