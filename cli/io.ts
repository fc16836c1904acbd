/** Where the command writes: the process's streams, or buffers in tests. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** True when stdout is a terminal (progress bars, colours). */
  isTty: boolean;
  /** True when stderr is a terminal: progress is drawn there as a bar, else as plain lines. */
  stderrIsTty?: boolean;
}

export const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  isTty: Boolean(process.stdout.isTTY),
  stderrIsTty: Boolean(process.stderr.isTTY),
};
