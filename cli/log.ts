/** Progress lines go to stderr, so stdout carries only results (URLs, tables) that scripts may read. */
export function log(line: string): void {
  process.stderr.write(`[govdr] ${line}\n`);
}

/** Something a command went on despite (a damaged manifest or index): stderr, in the agent's voice. */
export function warn(message: string): void {
  process.stderr.write(`govdr: warning: ${message}\n`);
}
