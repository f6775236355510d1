/** Follows the limits' Redis circuit (onRedisStateChange) so tests wait on states, not on time. */
export interface UpWatcher {
  onChange: (up: boolean) => void;
  /** Resolves once the circuit is in that state (at once if it already is). */
  until(up: boolean): Promise<void>;
  /** Every transition seen, in order. */
  readonly transitions: readonly boolean[];
}

export function upWatcher(): UpWatcher {
  const transitions: boolean[] = [];
  let waiters: { want: boolean; resolve: () => void }[] = [];
  return {
    transitions,
    onChange(up) {
      transitions.push(up);
      const ready = waiters.filter((w) => w.want === up);
      waiters = waiters.filter((w) => w.want !== up);
      for (const w of ready) w.resolve();
    },
    until(want) {
      if (transitions.at(-1) === want) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ want, resolve }));
    },
  };
}
