/**
 * Everything importable from `dagrad` (src/index.ts): the browser-safe core. Hand-written guides
 * are in docs/api.md; this page is generated from the source by `npm run docs:api`.
 * @module dagrad
 */
export * from '../../../src/index.js';
