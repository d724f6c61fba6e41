/** The messages between the training tab and its Web Worker. */

export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam' | 'adamw';

export const OPTIMIZER_LABELS: Readonly<Record<OptimizerName, string>> = {
  sgd: 'SGD', momentum: 'SGD (momentum)', nesterov: 'SGD (Nesterov)', adagrad: 'Adagrad', rmsprop: 'RMSProp', adam: 'Adam', adamw: 'AdamW',
};

export interface TrainRequest {
  readonly type: 'train';
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  readonly steps: number;
  /** Cells per side of the grid the decision regions are painted from. */
  readonly grid: number;
}

export type WorkerMessage =
  /** The training points (for drawing) and where the code runs. */
  | { readonly type: 'start'; readonly x: Float32Array; readonly y: Float32Array; readonly rows: number; readonly where: string }
  /** The losses since the last message, the parameters now, and P(class 1) on the grid. */
  | { readonly type: 'progress'; readonly step: number; readonly losses: number[]; readonly w: [number, number]; readonly b: number; readonly probability: Float32Array }
  | {
    readonly type: 'done'; readonly steps: number; readonly loss: number; readonly trainAccuracy: number; readonly testAccuracy: number;
    readonly w: [number, number]; readonly b: number; readonly ms: number;
  }
  | { readonly type: 'error'; readonly message: string };
