// What every install.cmd test under Wine gets (describe options).
// retry: Wine on a loaded 2-core machine now and then fails a step that passes alone (a program
// start, a registry call: CI's full run has shown both, never the same test twice). One more try;
// .ci/run names every test that needed it, with its first failure, so a flake stays in view and a
// real regression (which fails both times) still fails the run.
// timeout: a test there runs the installer up to four times, each a few to 30 s of Wine processes
// (a Node.js download and unpack the longest); the suite's 60 s default was met at 58 s under load.
export const WINE_TEST_OPTIONS = { retry: 1, timeout: 240_000 } as const;
