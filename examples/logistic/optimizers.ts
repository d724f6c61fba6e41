/** The --optimizer names, mapped to dagrad's optimizers with their documented defaults. */
import { Adagrad, Adam, AdamW, RMSProp, SGD, type Optimizer } from '../../src/index.js';
import type { Optimizer as Name } from './config.js';

/** momentum and nesterov use momentum 0.9; everything else is the library's default. */
export function makeOptimizer(name: Name, learningRate: number): Optimizer {
  switch (name) {
    case 'sgd':
      return new SGD({ learningRate });
    case 'momentum':
      return new SGD({ learningRate, momentum: 0.9 });
    case 'nesterov':
      return new SGD({ learningRate, momentum: 0.9, nesterov: true });
    case 'adagrad':
      return new Adagrad({ learningRate });
    case 'rmsprop':
      return new RMSProp({ learningRate });
    case 'adam':
      return new Adam({ learningRate });
    case 'adamw':
      return new AdamW({ learningRate });
  }
}
