/**
 * Whether a process still runs, for tests that check a process was stopped (test/suiteHygiene,
 * test/mutantsRunner, test/tmpSweep, test/support/tmp.ts): bin/proc.mjs, the one reader of /proc
 * that bin/run-tests.mjs and bin/mutants.mjs use too. `alive`: a killed process may linger as a
 * zombie until it is reaped (state Z or X), which is not alive; without /proc, a process that takes
 * signal 0 is alive. `startTime`: field 22 of /proc/PID/stat, '0' where there is none to read.
 * `stillRuns(pid, start)`: alive and started at `start` (a process id used again is not it).
 */
export { alive, startTime, stillRuns } from '../../bin/proc.mjs';
