/**
 * dagrad's Node-only entry, `dagrad/node`: what needs the file system. The core (`dagrad`) never
 * imports it, so it stays browser-safe.
 */
export { CheckpointError, loadCheckpoint, readCheckpoint, saveCheckpoint, type LoadOptions } from './checkpoint.js';
export { crc32 } from './crc32.js';
