import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from "@aws-sdk/client-kms";
import { type KeyWrapper, WrongKeyError } from "./key-wrapper.ts";

/**
 * Vault repositories in the cloud: the master key is a data key KMS generates under the tenant's key
 * (GenerateDataKey) and stores only encrypted; opening it needs Decrypt with the same encryption
 * context (tenant and repository), so another tenant, or a deleted key (crypto-shredding), cannot.
 */
/** KMS's answers for a key id that is wrong, disabled, pending deletion or not the caller's to use. */
const unusableKeyNames = [
  "NotFoundException",
  "DisabledException",
  "KMSInvalidStateException",
  "AccessDeniedException",
  "InvalidKeyUsageException",
];

export function kmsKeyWrapper(kms: KMSClient, keyId: string, tenantId: string): KeyWrapper {
  const context = (repositoryId: string) => ({
    tenant: tenantId,
    repository: repositoryId,
    purpose: "govdr-vault",
  });
  return {
    async generate(repositoryId) {
      const { Plaintext, CiphertextBlob } = await kms
        .send(
          new GenerateDataKeyCommand({
            KeyId: keyId,
            KeySpec: "AES_256",
            EncryptionContext: context(repositoryId),
          }),
        )
        .catch((error: Error) => {
          if (!unusableKeyNames.includes(error.name)) throw error;
          throw new WrongKeyError(`KMS cannot make a repository key with ${keyId} (${error.name})`);
        });
      if (!Plaintext || !CiphertextBlob) throw new Error(`KMS returned no data key for ${keyId}`);
      return {
        masterKey: Buffer.from(Plaintext),
        wrapped: {
          kind: "kms",
          keyId,
          ciphertext: Buffer.from(CiphertextBlob).toString("base64"),
          context: context(repositoryId),
        },
      };
    },
    async unwrap(wrapped, repositoryId) {
      if (wrapped.kind !== "kms") throw new WrongKeyError("This repository's key is not wrapped by KMS");
      try {
        const { Plaintext } = await kms.send(
          new DecryptCommand({
            KeyId: keyId,
            CiphertextBlob: Buffer.from(wrapped.ciphertext, "base64"),
            EncryptionContext: context(repositoryId),
          }),
        );
        if (!Plaintext) throw new WrongKeyError("KMS returned no key");
        return Buffer.from(Plaintext);
      } catch (error) {
        if (error instanceof WrongKeyError) throw error;
        const name = (error as Error).name;
        if (
          [
            "InvalidCiphertextException",
            "IncorrectKeyException",
            "AccessDeniedException",
            "NotFoundException",
          ].includes(name)
        ) {
          throw new WrongKeyError(`KMS refused to open this repository's key (${name})`);
        }
        throw error;
      }
    },
  };
}
