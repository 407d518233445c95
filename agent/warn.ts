/** Something a command went on despite (a damaged manifest or index): stderr, in the agent's voice. */
export function warn(message: string): void {
  process.stderr.write(`govdr: warning: ${message}\n`);
}
