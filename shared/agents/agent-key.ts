import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { newId } from "../stores/ids.ts";
import { safeText } from "../validation/text.ts";

export const agentKeyIdSchema = z
  .string()
  .regex(/^ak-[0-9a-z]{12}$/, "an agent key id such as ak-4k2m9x0q7w1z");

/**
 * A key with which one system's backup agent signs in (docs/decisions.md D-23). Only the SHA-256 of
 * the secret is stored: the secret is 256 random bits, so a slow password hash would add nothing.
 */
export const agentKeySchema = z.object({
  keyId: agentKeyIdSchema,
  tenantId: z.string().min(1),
  systemId: z.string().min(1),
  name: safeText(1, 60),
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.iso.datetime(),
  createdBy: z.string().min(1),
  revokedAt: z.iso.datetime().optional(),
  revokedBy: z.string().optional(),
});
export type AgentKey = z.infer<typeof agentKeySchema>;

/** What the API shows of a key: never its hash. */
export const describeAgentKey = ({ secretHash: _hash, ...visible }: AgentKey) => ({
  ...visible,
  status: visible.revokedAt ? ("revoked" as const) : ("active" as const),
});

const secretHash = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");

export function newAgentKey(
  fields: Pick<AgentKey, "tenantId" | "systemId" | "name" | "createdBy">,
  now: Date,
) {
  const secret = randomBytes(32).toString("base64url");
  const key: AgentKey = {
    ...fields,
    keyId: newId("ak"),
    secretHash: secretHash(secret),
    createdAt: now.toISOString(),
  };
  return { key, secret };
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function secretMatches(key: Pick<AgentKey, "secretHash">, secret: string): boolean {
  return timingSafeEqual(Buffer.from(secretHash(secret), "hex"), Buffer.from(key.secretHash, "hex"));
}

/**
 * The one string an operator hands to an agent (GOVDR_AGENT_KEY): `<keyId>.<secret>`. The secret
 * is base64url, which has no dot.
 */
export const agentCredential = (keyId: string, secret: string) => `${keyId}.${secret}`;

export function parseAgentCredential(credential: string): { keyId: string; secret: string } | undefined {
  const match = /^(ak-[0-9a-z]{12})\.([A-Za-z0-9_-]{43})$/.exec(credential.trim());
  return match ? { keyId: match[1] as string, secret: match[2] as string } : undefined;
}
