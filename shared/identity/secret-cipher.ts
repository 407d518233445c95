import { DecryptCommand, EncryptCommand, type KMSClient } from "@aws-sdk/client-kms";

/** Encrypts small secrets (TOTP seeds) bound to an encryption context, so a copied ciphertext is useless elsewhere. */
export interface SecretCipher {
  encrypt(plaintext: string, context: Record<string, string>): Promise<string>;
  decrypt(ciphertext: string, context: Record<string, string>): Promise<string>;
}

export class KmsSecretCipher implements SecretCipher {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async encrypt(plaintext: string, context: Record<string, string>): Promise<string> {
    const { CiphertextBlob } = await this.kms.send(
      new EncryptCommand({
        KeyId: this.keyId,
        Plaintext: new TextEncoder().encode(plaintext),
        EncryptionContext: context,
      }),
    );
    if (!CiphertextBlob) throw new Error("KMS returned no ciphertext");
    return Buffer.from(CiphertextBlob).toString("base64");
  }

  async decrypt(ciphertext: string, context: Record<string, string>): Promise<string> {
    const { Plaintext } = await this.kms.send(
      new DecryptCommand({ CiphertextBlob: Buffer.from(ciphertext, "base64"), EncryptionContext: context }),
    );
    if (!Plaintext) throw new Error("KMS returned no plaintext");
    return new TextDecoder().decode(Plaintext);
  }
}
