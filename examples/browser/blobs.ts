/** The page's data: two Gaussian blobs in the plane, drawn with dagrad's seeded Rng so every load is the same. */
import { Rng } from '../../src/index.js';

export interface Points {
  /** rows x 2, row-major. */
  readonly x: Float32Array;
  /** 0 or 1 per row, as float32 so the labels feed the cross-entropy directly. */
  readonly y: Float32Array;
  readonly rows: number;
}

/** Where the blobs sit: centres 2.9 apart with spread 0.75, so the best possible accuracy is about 97%. */
export const BLOBS = [
  { centre: [-1.2, -0.8], spread: 0.75 },
  { centre: [1.0, 1.1], spread: 0.75 },
] as const;

/** `perClass` points from each blob, interleaved (class 0, class 1, class 0, ...). */
export function twoBlobs(rng: Rng, perClass: number): Points {
  const rows = 2 * perClass;
  const x = new Float32Array(rows * 2);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const { centre, spread } = BLOBS[i % 2];
    x[2 * i] = rng.normal(centre[0], spread);
    x[2 * i + 1] = rng.normal(centre[1], spread);
    y[i] = i % 2;
  }
  return { x, y, rows };
}
