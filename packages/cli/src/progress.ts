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
