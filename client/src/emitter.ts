/**
 * A minimal typed event emitter (browsers have EventTarget, but its events are untyped and Node's
 * EventEmitter is not available there), and an async queue that turns pushed values into an
 * async iterable.
 */

type Listener<T> = (value: T) => void;

export class Emitter<M> {
  /**
   * Where errors thrown by listeners go. By default they are rethrown on a fresh microtask (reported
   * as uncaught, like a throwing DOM event listener); replace it to route them to your logging.
   */
  static reportListenerError: (error: unknown) => void = (error) =>
    queueMicrotask(() => {
      throw error;
    });

  private readonly listeners = new Map<keyof M, Set<Listener<never>>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof M>(type: K, listener: Listener<M[K]>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => this.off(type, listener);
  }

  once<K extends keyof M>(type: K, listener: Listener<M[K]>): () => void {
    const off = this.on(type, (value) => {
      off();
      listener(value);
    });
    return off;
  }

  off<K extends keyof M>(type: K, listener: Listener<M[K]>): void {
    this.listeners.get(type)?.delete(listener);
  }

  listenerCount(type: keyof M): number {
    return this.listeners.get(type)?.size ?? 0;
  }

  /**
   * Calls every listener; one that throws does not stop the others (see reportListenerError).
   */
  protected emit<K extends keyof M>(type: K, value: M[K]): void {
    const set = this.listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<M[K]>)(value);
      } catch (err) {
        Emitter.reportListenerError(err);
      }
    }
  }
}

/** Values pushed by a producer, consumed with `for await`; ends with `close()` or throws after `fail()`. */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  private ended = false;
  private failure: { error: unknown } | undefined;

  constructor(private readonly onReturn?: () => void) {}

  push(value: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value, done: false });
    } else {
      this.items.push(value);
    }
  }

  close(): void {
    this.finish();
  }

  fail(error: unknown): void {
    this.finish({ error });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.failure) {
      const { error } = this.failure;
      this.failure = undefined; // thrown once; afterwards the iterator is simply done
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.failure = undefined;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(failure?: { error: unknown }): void {
    if (this.ended) return;
    this.ended = true;
    this.onReturn?.();
    if (this.waiting) {
      const { resolve, reject } = this.waiting;
      this.waiting = undefined;
      if (failure) reject(failure.error);
      else resolve({ value: undefined, done: true });
    } else {
      this.failure = failure;
    }
  }
}
