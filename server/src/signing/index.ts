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
export { normalizeFingerprint, publicKeyFingerprint } from './fingerprint';
