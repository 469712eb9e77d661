// Files that several processes share safely: atomic writes, a cross-process lock, CAVRA's JSON layout.
export { fsyncDir, removeStaleTemporaries, tempPathFor, writeFileAtomic, writeFileSynced } from './atomicFile';
export { acquireLock, hasDeadLockTemporaries, lockExists, withLock } from './lock';
export type { HeldLock, LockOptions } from './lock';
export { describeJsonError, readJsonStore, updateJsonStore } from './jsonStore';
export type { JsonObject, StoreUpdate } from './jsonStore';
export { pythonStoreJson } from './pythonJson';
