/**
 * dagrad's Node-only entry, `dagrad/node`: what needs the file system. The core (`dagrad`) never
 * imports it, so it stays browser-safe. The checkpoint format itself is the core's
 * (`saveCheckpointBytes`, `loadCheckpointBytes`); `CheckpointError` and `crc32` are re-exported here
 * for code written before the format moved there.
 */
export { loadCheckpoint, readCheckpoint, saveCheckpoint } from './checkpoint.js';
export { CheckpointError, type LoadOptions } from '../checkpoint/checkpoint.js';
export { crc32 } from '../checkpoint/crc32.js';
