/**
 * Everything importable from `dagrad/node` (src/node/index.ts): what needs Node's file system.
 * Generated from the source by `npm run docs:api`.
 * @module dagrad/node
 */
export * from '../../../src/node/index.js';
