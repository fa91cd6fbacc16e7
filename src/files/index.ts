/** Dropped files, made ready for the model and data readers: see unpack.ts. */
export { unpackDrop, type UnpackedDrop } from './unpack';
export { DEFAULT_UNPACK_LIMITS, defaultLimits, setDefaultLimits, type UnpackLimits } from './limits';
export { basenameOf, dirnameOf, isJunkPath, joinPath, normalizePath } from './paths';
export { quoteName } from './quote';
