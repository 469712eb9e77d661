// The pack-id rule for the client (Create Policy Pack); it lives in policy/packId.ts.
export { isPackId, packIdFromInput, PACK_ID_PREFIX } from '../policy/packId';
