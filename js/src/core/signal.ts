// One kind of news that several listeners may want, without the sender knowing who they are: it
// lets a view built early tell views built after it, so no constructor needs one not built yet.
export class Signal<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /** Listen, and get back the function that stops listening. */
  on(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
}
