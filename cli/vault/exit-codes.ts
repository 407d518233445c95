/** The agent's exit codes, documented in docs/agent.md; scripts and schedulers branch on them. */
export const exitCodes = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  /** No repository, or the key does not open it. */
  repository: 3,
  /** Verify found damage, or a restore met a chunk that failed authentication. */
  integrity: 4,
  /** A source cannot be read, a target would be overwritten, or no such snapshot. */
  input: 5,
} as const;
