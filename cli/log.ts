/** Progress lines go to stderr, so stdout carries only results (URLs, tables) that scripts may read. */
export function log(line: string): void {
  process.stderr.write(`[govdr] ${line}\n`);
}
