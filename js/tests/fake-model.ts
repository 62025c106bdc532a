// A model for unit tests: traits in a map, change events on set (as anywidget sends them), and the
// saves counted.
import type { ExplorerTraits } from "../src/wire/contract";
import type { Model } from "../src/wire/traits";

type Listener = (...args: unknown[]) => void;

export interface FakeModel {
  model: Model;
  state: Partial<ExplorerTraits>;
  saves: Partial<ExplorerTraits>[];
  /** Set traits as the kernel would: change events, no save. */
  fromPython: (patch: Partial<ExplorerTraits>) => void;
}

export function fakeModel(initial: Partial<ExplorerTraits> = {}): FakeModel {
  const state: Partial<ExplorerTraits> = { ...initial };
  const listeners = new Map<string, Set<Listener>>();
  const saves: Partial<ExplorerTraits>[] = [];
  let pending: Partial<ExplorerTraits> = {};
  const emit = (event: string) => {
    for (const listener of [...(listeners.get(event) ?? [])]) listener();
  };
  const model = {
    get: (key: keyof ExplorerTraits) => state[key],
    set: (key: keyof ExplorerTraits, value: never) => {
      state[key] = value;
      pending = { ...pending, [key]: value };
      emit(`change:${key}`);
    },
    save_changes: () => {
      saves.push(pending);
      pending = {};
    },
    on: (event: string, listener: Listener) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)?.add(listener);
    },
    off: (event: string, listener: Listener) => listeners.get(event)?.delete(listener),
    send: () => undefined,
  } as unknown as Model;
  const fromPython = (patch: Partial<ExplorerTraits>) => {
    for (const [key, value] of Object.entries(patch)) {
      (state as Record<string, unknown>)[key] = value;
      emit(`change:${key}`);
    }
  };
  return { model, state, saves, fromPython };
}
