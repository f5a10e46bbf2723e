/**
 * Encrypts credentials before they reach the store. `context` (the user id)
 * is bound to the ciphertext as associated data, so a ciphertext copied to
 * another user's row does not decrypt.
 */
export interface CredentialCipher {
  encrypt(plaintext: string, context: string): Promise<string>;
  /** Throws `CredentialCipherError` on an unknown key, a wrong key or a tampered ciphertext. */
  decrypt(ciphertext: string, context: string): Promise<string>;
}
