// The one reader of processes for the suite's own tools: bin/run-tests.mjs (what a test file left
// running in its process group), bin/mutants.mjs (whether the runner that made a copy still runs,
// which processes work in a folder, killing what a mutant's tests left in its copy) and the tests (test/support/alive.ts: alive, startTime,
// stillRuns). Linux's /proc/PID/stat gives a process's state, parent, group and start time; where
// there is no /proc, a process that takes signal 0 runs and nothing more is known.
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** Whether this system has Linux's /proc. */
export const procfs = existsSync('/proc/self/stat');

/**
 * The fields of a /proc/PID/stat line: the command (in parentheses, which may hold spaces and
 * parentheses of its own: it ends at the last ')'), then state (R, S, Z: a zombie, X: dead),
 * parent, process group, and field 22, the start time in clock ticks since boot.
 */
export function parseStat(text) {
  const close = text.lastIndexOf(')');
  const open = text.indexOf('(');
  if (open < 0 || close < open) return undefined;
  const f = text.slice(close + 2).trim().split(' ');
  const [state, ppid, pgrp] = f;
  return { comm: text.slice(open + 1, close), state, ppid: Number(ppid), pgrp: Number(pgrp), startTime: f[19] ?? '0' };
}

/** The stat fields of process `pid` (parseStat), undefined when it is gone or there is no /proc. */
export function stat(pid) {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Whether process `pid` still runs: it takes signal 0 (EPERM: a process of another user, which runs)
 * and is no zombie (ended, not reaped yet: state Z or X), which holds nothing and takes no time.
 */
export function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code !== 'EPERM') return false; // ESRCH: gone
  }
  if (!procfs) return true;
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

/** A process's start time (field 22 of /proc/PID/stat, clock ticks since boot), or '0' where there is none to read. */
export function startTime(pid) {
  return stat(pid)?.startTime ?? '0';
}

/**
 * Whether the process `pid` that started at `start` (startTime, '0': unknown) still runs: a process
 * id used again by a process started at another time is not it.
 */
export function stillRuns(pid, start) {
  if (!alive(pid)) return false;
  const now = startTime(pid);
  return start === '0' || now === '0' || now === start;
}

/** The ids of every process (/proc's numeric names); undefined where there is no /proc to list. */
export function processIds() {
  try {
    return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number);
  } catch {
    return undefined;
  }
}

/** Process `pid`'s command line (its stat's command where it has none to read), cut at 60 characters. */
function commandOf(pid, s) {
  let cmd;
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    cmd = '';
  }
  cmd ||= s.comm;
  return cmd.length > 60 ? cmd.slice(0, 57) + '...' : cmd;
}

/** The processes of group `pgrp` that run (no zombie), each `PID COMMAND` (the command line cut at 60); undefined without /proc. */
export function groupRunning(pgrp) {
  if (!procfs) return undefined;
  const pids = processIds();
  if (!pids) return undefined;
  const left = [];
  for (const pid of pids) {
    const s = stat(pid);
    if (s === undefined) continue; // gone meanwhile
    if (s.pgrp !== pgrp || s.state === 'Z' || s.state === 'X') continue;
    left.push(`${pid} ${commandOf(pid, s)}`);
  }
  return left;
}

/**
 * The processes that work in `dir` (their working directory is it or inside it, also once it has been
 * removed: Linux names such a directory `PATH (deleted)`), each `{ pid, cmd }`, this process never;
 * undefined where there is no /proc to list. A process of another user, not ours to read, is not seen.
 */
export function workingIn(dir) {
  const pids = processIds();
  if (!pids) return undefined;
  const out = [];
  for (const pid of pids) {
    if (pid === process.pid) continue;
    let cwd;
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue; // gone, or not ours to read
    }
    if (cwd.endsWith(' (deleted)')) cwd = cwd.slice(0, -' (deleted)'.length);
    if (cwd !== dir && !cwd.startsWith(dir + '/')) continue;
    const s = stat(pid);
    if (s === undefined || s.state === 'Z' || s.state === 'X') continue; // gone, or ended (holds nothing)
    out.push({ pid, cmd: commandOf(pid, s) });
  }
  return out;
}

/** Whether a process works in `dir` (its working directory is in it); without /proc, taken as yes. */
export function someoneWorksIn(dir) {
  const w = workingIn(dir);
  return w === undefined || w.length > 0;
}

/**
 * Kills (SIGKILL) every process that works in `dir` (workingIn), over a few rounds (one may start
 * another as it is killed); returns them, each `PID COMMAND`. bin/mutants.mjs: what a mutant's tests
 * left running in its copy of the tree, orphans that left their process group included.
 */
export function killWorkingIn(dir) {
  const killed = new Map();
  // until none is left (at most ~2 s): a SIGKILLed process still runs until the kernel schedules its
  // death, which on a loaded machine is later than the next mutant's start (session 29: the next run saw it)
  for (let round = 0; round < 100; round++) {
    const left = workingIn(dir) ?? [];
    if (left.length === 0) break;
    for (const { pid, cmd } of left) {
      try {
        process.kill(pid, 'SIGKILL');
        if (!killed.has(pid)) killed.set(pid, `${pid} ${cmd}`);
      } catch { /* gone meanwhile */ }
    }
    sleepMs(20);
  }
  return [...killed.values()];
}

/** Blocks this thread for `ms` milliseconds (for the short waits above: no event loop turn needed). */
export function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Waits (at most `ms`, polling /proc) until no process of group `pgrp` runs; true when none does. */
export function waitGroupGone(pgrp, ms = 2000) {
  for (let t = 0; ; t += 20) {
    const left = groupRunning(pgrp);
    if (left === undefined || left.length === 0) return true;
    if (t >= ms) return false;
    sleepMs(20);
  }
}
