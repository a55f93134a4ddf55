// Wine on a loaded 2-core machine now and then fails a step that passes alone (a program start, a
// registry call: CI's full run has shown both, never the same test twice). A test under Wine gets
// one more try; .ci/run names every test that needed it, with its first failure, so a flake stays
// in view and a real regression (which fails both times) still fails the run.
export const WINE_RETRY = { retry: 1 } as const;
