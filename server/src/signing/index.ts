// Policy signing as CAVRA does it (SPEC 5): keys, sig.json creation and verification.
export {
  SigningKeyError,
  encodePrivateKeyPem,
  encodePublicKeyPem,
  generateKeyPair,
  parsePrivateKeyPem,
  parsePublicKeyPem,
  publicKeyFromPrivate,
  publicKeySha256,
  trustedPublicKeys,
  writeKeyPair,
} from './keys';
export type { Ed25519KeyPair, WrittenKeyPair } from './keys';
export {
  SIGNATURE_SCHEMA_VERSION,
  digestMismatch,
  hmacSignature,
  policyFileDigest,
  readSignatureClaim,
  serializeSignature,
  signPolicyBytes,
  signatureDowngrade,
  signatureKeyId,
  signingAlgorithm,
  verifyFailureAdvice,
  verifyPolicySignature,
} from './signature';
export type {
  PolicySignature,
  SignatureClaim,
  SignPolicyOptions,
  SignatureAlgorithm,
  VerifyPolicyOptions,
  VerifyProblem,
  VerifyResult,
} from './signature';
export { fingerprintOfPem, fingerprintOfRawKey, keyFingerprint } from './fingerprint';
export {
  KEY_HOME_ENV,
  PINNED_FILE,
  REVOKED_FILE,
  REVOKED_FINGERPRINTS_ENV,
  TRUSTED_FINGERPRINTS_ENV,
  keyHome,
  readKeyPins,
} from './keyHome';
export type { GivenPins } from './keyHome';
export { gitWorkTreeOf, looksLikePrivateKey } from './privateKeyLocation';
export { EXTERNAL_SIGNER_ENV, EXTERNAL_SIGNER_PUBLIC_KEY_ENV, ExternalSignerError, runExternalSigner } from './externalSigner';
export type { ExternalSignerOptions } from './externalSigner';
