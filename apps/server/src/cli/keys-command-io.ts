/** Where a `keys` command writes and what time it is: the terminal and the clock, or a test's. */
export interface KeysCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => number;
}
