/** The agent's exit codes, documented in docs/agent.md; scripts and schedulers branch on them. */
export const exitCodes = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  /** No repository, the key does not open it, or the storage refuses the agent or cannot be reached. */
  repository: 3,
  /**
   * Damage: verify found some; a restore left out files whose data is missing or damaged, or met a
   * damaged listing or manifest; `snapshots` met a damaged manifest; the config or key file is damaged.
   */
  integrity: 4,
  /** A source cannot be read, a target would be overwritten (a restored file, a key file), or no such snapshot. */
  input: 5,
  /**
   * The control-plane API refused or could not be reached. After a backup this means the snapshot
   * is safe in the vault but not yet recorded: `govdr register <id>` records it.
   */
  controlPlane: 6,
} as const;
