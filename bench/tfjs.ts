/**
 * TensorFlow.js, the peer: its plain-JavaScript 'cpu' backend and its WebAssembly 'wasm' backend
 * (SIMD, single-threaded in Node), in this process. Its .wasm files are read from its package.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';

export { tf };
export type Backend = 'cpu' | 'wasm';
export const BACKENDS: readonly Backend[] = ['cpu', 'wasm'];

let pathsSet = false;

/** Switches tfjs to a backend; false when that backend cannot start here. */
export async function useBackend(name: Backend): Promise<boolean> {
  if (name === 'wasm' && !pathsSet) {
    const dist = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
    setWasmPaths(dist + path.sep);
    pathsSet = true;
  }
  const ok = await tf.setBackend(name);
  await tf.ready();
  return ok && tf.getBackend() === name;
}

export const tfjsVersion = tf.version.tfjs;
