/** Types for the two untyped dev dependencies the example uses (only what it calls). */
declare module 'mnist' {
  interface Digit {
    /** Images of this digit in the package (about 1,000). */
    readonly length: number;
    /** Image `i`: 784 floats in [0, 1], row-major 28x28. NOTE: an index out of range gives a random image. */
    get(i: number): number[];
  }
  const mnist: readonly Digit[];
  export default mnist;
}

declare module 'asciichart' {
  interface PlotConfig {
    height?: number;
    offset?: number;
    padding?: string;
    colors?: string[];
    format?: (x: number, i: number) => string;
  }
  const asciichart: {
    plot(series: number[] | number[][], config?: PlotConfig): string;
    readonly blue: string;
    readonly green: string;
    readonly default: string;
  };
  export default asciichart;
}
