/**
 * This thread's CPU milliseconds so far (Linux: /proc/thread-self/schedstat, the first field, nanoseconds
 * on the CPU), or NaN where it cannot be read. One file descriptor a thread: a module's state is its
 * isolate's, and a worker's isolate opens its own on its first call. The main thread's hand-over
 * (parallel.ts `mainThreadCpuMs`: process CPU minus this is what V8's compiler and GC threads took) and
 * a worker's phase times (parallelWorker.ts, PVCHECK_WORKER_TIMES) read it.
 */
import { openSync, readSync } from 'node:fs';

let schedFd = -1;
const schedBuf = Buffer.alloc(64);
export function threadCpuMs(): number {
  try {
    if (schedFd < 0) schedFd = openSync('/proc/thread-self/schedstat', 'r');
    const n = readSync(schedFd, schedBuf, 0, 64, 0);
    return Number(schedBuf.toString('latin1', 0, n).split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}
