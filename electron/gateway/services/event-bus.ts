import type { EventName, EventPayloads } from '../../../shared/contract';

type Listener<E extends EventName> = (payload: EventPayloads[E]) => void;

/** Typed in-process pub/sub: services publish, IPC, SSE and the tray subscribe. */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();
  private readonly anyListeners = new Set<(name: EventName, payload: unknown) => void>();

  on<E extends EventName>(name: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  onAny(listener: (name: EventName, payload: unknown) => void): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EventPayloads[E]): void {
    for (const listener of this.listeners.get(name) ?? []) listener(payload);
    for (const listener of this.anyListeners) listener(name, payload);
  }
}
