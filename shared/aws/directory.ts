import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { IdentityService } from "../identity/identity-service.ts";
import { KmsSecretCipher, type SecretCipher } from "../identity/secret-cipher.ts";
import { signingKey } from "../identity/session-token.ts";
import { cachedSettings } from "../identity/settings-store.ts";
import { DynamoDbAgentKeyStore } from "../stores/dynamodb/agent-key-store.ts";
import { DynamoDbAuditLog } from "../stores/dynamodb/audit-log.ts";
import { DynamoDbSessionStore } from "../stores/dynamodb/session-store.ts";
import { DynamoDbIdentitySettingsStore } from "../stores/dynamodb/settings-store.ts";
import { DynamoDbTenantStore } from "../stores/dynamodb/tenant-store.ts";
import { DynamoDbUserStore } from "../stores/dynamodb/user-store.ts";
import { awsIdempotency } from "./idempotency.ts";

export async function loadSigningKey(secretArn: string) {
  const { SecretString } = await new SecretsManagerClient({}).send(
    new GetSecretValueCommand({ SecretId: secretArn }),
  );
  if (!SecretString) throw new Error("The session signing secret is empty");
  return signingKey(SecretString);
}

const refuseMfa: SecretCipher = {
  encrypt: () => Promise.reject(new Error("this function holds no MFA key")),
  decrypt: () => Promise.reject(new Error("this function holds no MFA key")),
};

/** Stores and audit log wired to DynamoDB, and the idempotency table where the function has one. */
export function awsDirectory(env: {
  TENANTS_TABLE: string;
  AUDIT_TABLE: string;
  IDENTITY_SETTINGS_MAX_AGE_SECONDS?: number;
  IDEMPOTENCY_TABLE?: string;
}) {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const settingsStore = new DynamoDbIdentitySettingsStore(db, env.TENANTS_TABLE);
  return {
    db,
    settingsStore,
    settings: cachedSettings(settingsStore, (env.IDENTITY_SETTINGS_MAX_AGE_SECONDS ?? 60) * 1000),
    users: new DynamoDbUserStore(db, env.TENANTS_TABLE),
    tenants: new DynamoDbTenantStore(db, env.TENANTS_TABLE),
    sessions: new DynamoDbSessionStore(db, env.TENANTS_TABLE),
    agentKeys: new DynamoDbAgentKeyStore(db, env.TENANTS_TABLE),
    audit: new DynamoDbAuditLog(db, env.AUDIT_TABLE),
    idempotency: env.IDEMPOTENCY_TABLE ? awsIdempotency(env.IDEMPOTENCY_TABLE) : undefined,
    now: () => new Date(),
  };
}

/** The directory plus the identity service, wired to KMS and Secrets Manager. */
export async function awsIdentity(env: {
  TENANTS_TABLE: string;
  AUDIT_TABLE: string;
  IDENTITY_SETTINGS_MAX_AGE_SECONDS?: number;
  SIGNING_SECRET_ARN: string;
  IDENTITY_KEY_ID?: string;
}) {
  const directory = awsDirectory(env);
  const { users, tenants, sessions, agentKeys, now, settings } = directory;
  const identity = new IdentityService({
    users,
    tenants,
    sessions,
    agentKeys,
    key: await loadSigningKey(env.SIGNING_SECRET_ARN),
    mfaCipher: env.IDENTITY_KEY_ID ? new KmsSecretCipher(new KMSClient({}), env.IDENTITY_KEY_ID) : refuseMfa,
    settings,
    now,
    issuer: "govdr",
  });
  return { ...directory, identity };
}
