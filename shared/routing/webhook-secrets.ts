/**
 * Each system's webhook signing secret (32 random bytes), kept encrypted under its unit's KMS key.
 * `rotate` replaces it and returns the new one base64url-encoded: shown once to the caller, who
 * configures it on the unit's receiver; the platform reads it back only to sign (`get`).
 */
export interface WebhookSecrets {
  rotate(tenantId: string, systemId: string): Promise<string>;
  /** The system's secret; undefined while none was made. */
  get(tenantId: string, systemId: string): Promise<Buffer | undefined>;
}
