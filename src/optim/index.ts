/** Optimizers, gradient clipping and learning-rate schedules: training as graph ops. */
export { Optimizer, type GradAndVar, type LearningRate, type OptimizerOptions, type UpdateContext } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { RMSProp, type RMSPropOptions } from './rmsprop.js';
export { Adam, AdamW, type AdamOptions, type AdamWOptions } from './adam.js';
export { clipByGlobalNorm, type ClippedGradients } from './clip.js';
export { cosineDecay, exponentialDecay, stepDecay, isSchedule, type Schedule } from './schedules.js';
export { trainableVariables, variablesOf } from './variables.js';
