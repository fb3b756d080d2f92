/**
 * One-line progress on stderr, redrawn in place when stderr is a terminal and silent otherwise (so
 * logs and CI output stay clean).
 */
export interface Progress {
  (message: string): void;
  /** Clears the line. */
  done(): void;
}

/**
 * A progress line writer: live only when `enabled` and `stream` is a terminal.
 *
 * @example
 * const progress = progressReporter(true);
 * progress('regression 3/15');
 * progress.done();
 */
export function progressReporter(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  const live = enabled && stream.isTTY === true;
  const report = ((message: string) => {
    if (live) stream.write(`\r\x1b[K${message}`);
  }) as Progress;
  report.done = () => {
    if (live) stream.write('\r\x1b[K');
  };
  return report;
}

/** What {@link suiteProgressLine} needs to know beyond the event: the estimated time left. */
export interface SuiteTiming {
  readonly elapsedMs: number;
  /** Estimated milliseconds until the last pair, once a pair has been scored in this run. */
  readonly remainingMs?: number;
}

/**
 * Estimates the time left in a suite run from the pairs it has finished itself (pairs skipped because
 * the store had them cost nothing and do not count).
 *
 * @example
 * const eta = new SuiteEta();
 * const timing = eta.update(event); // { elapsedMs, remainingMs }
 */
export class SuiteEta {
  #skipped = 0;
  #done = 0;
  #total = 0;
  #elapsedMs = 0;

  get elapsedMs(): number {
    return this.#elapsedMs;
  }

  /** Takes in an event and returns the timing as of that event. */
  update(event: { readonly done: number; readonly total: number; readonly stage: string; readonly elapsedMs: number }): SuiteTiming {
    if (event.stage === 'skipped') this.#skipped++;
    this.#done = event.done;
    this.#total = event.total;
    return this.at(event.elapsedMs);
  }

  /** The timing at `elapsedMs` into the run (for a display that ticks between events). */
  at(elapsedMs: number): SuiteTiming {
    this.#elapsedMs = elapsedMs;
    const finished = this.#done - this.#skipped;
    if (finished <= 0) return { elapsedMs };
    return { elapsedMs, remainingMs: Math.max(0, (elapsedMs / finished) * (this.#total - this.#done)) };
  }
}

/**
 * `1:05` for 65 s, `1:02:03` past an hour.
 *
 * @example
 * formatDuration(65_000); // '1:05'
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/**
 * One line of suite progress: pairs done of all, the pair and its stage, elapsed and estimated time.
 *
 * @example
 * suiteProgressLine({ done: 3, total: 15, model: 'builtin:cnn', benchmark: 'synthetic.V4', stage: 'scoring', elapsedMs: 30_000 }, { elapsedMs: 30_000, remainingMs: 120_000 });
 * // '[3/15 20%] builtin:cnn × synthetic.V4: scoring · 0:30 elapsed, ~2:00 left'
 */
export function suiteProgressLine(
  event: { readonly done: number; readonly total: number; readonly model: string; readonly benchmark: string; readonly stage: string; readonly message?: string },
  timing: SuiteTiming,
): string {
  const percent = event.total > 0 ? Math.floor((100 * event.done) / event.total) : 100;
  const left = timing.remainingMs === undefined ? '' : `, ~${formatDuration(timing.remainingMs)} left`;
  return `[${event.done}/${event.total} ${percent}%] ${event.model} × ${event.benchmark}: ${event.stage}${event.message ? ` (${event.message})` : ''} · ${formatDuration(timing.elapsedMs)} elapsed${left}`;
}
