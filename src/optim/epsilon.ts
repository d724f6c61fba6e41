/**
 * The default epsilon of Adagrad, RMSProp, Adam and AdamW: 1e-8, as in the Adam paper (Kingma & Ba,
 * Algorithm 1) and PyTorch, added to the square root of the (bias-corrected) second moment.
 * NOTE: Keras and TensorFlow.js use 1e-7. Keras adds its epsilon before the bias correction (the
 * paper's "epsilon hat"), a different quantity; TensorFlow.js takes its backend's float32 epsilon
 * (1e-4 on half-precision WebGL). dagrad's kernels run in float32 or float64 on the CPU, where 1e-8
 * is well inside float32's range, so we keep the paper's value and its meaning: numbers computed
 * with dagrad can be checked against the paper and against PyTorch without translating epsilon.
 */
export const EPSILON = 1e-8;
