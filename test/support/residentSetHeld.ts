/**
 * Runs `f` with process.memoryUsage.rss (what the memory guard reads, checker/memory.ts) held at its value
 * now, passed to `f`: a budget set from it then means the same to the guard whatever the real resident set
 * does meanwhile (a collection gives back more than a budget's margin; ended workers give their memory back
 * within milliseconds, or not yet). No other import: test/store uses it too.
 */
export function withResidentSetHeld<T>(f: (held: number) => T): T {
  const real = process.memoryUsage.rss;
  const held = real();
  process.memoryUsage.rss = () => held;
  try {
    return f(held);
  } finally {
    process.memoryUsage.rss = real;
  }
}
