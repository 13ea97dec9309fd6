/**
 * What pvcheck reads (issue 16 point 2): a trace or model file that is not a
 * regular file (a FIFO blocked forever, /dev/zero grew past 10 GB) or is over
 * the size limit is refused before reading, in one line; bytes that are not
 * text are never echoed raw to the terminal.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';

const root = resolve(import.meta.dirname, '..');
const tmp = scratchDir('pvcheck-in-');
const pv = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...args], { cwd: tmp, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr, signal: r.signal };
};
function refused(r: ReturnType<typeof pv>, what: RegExp) {
  assert.is(r.signal, null, 'ended by itself (not killed by the time limit)');
  assert.is(r.code, 2, r.err);
  const lines = r.err.trim().split('\n');
  assert.is(lines.length, 1, `one line on stderr, got:\n${r.err}`);
  assert.match(lines[0]!, what);
}

test('a FIFO, /dev/zero or a folder as a trace: refused before reading', () => {
  const fifo = join(tmp, 'trace.json');
  assert.is(spawnSync('mkfifo', [fifo]).status, 0);
  refused(pv(['show', fifo]), /trace\.json: is a FIFO \(named pipe\), not a regular file/);
  refused(pv(['replay', fifo]), /is a FIFO/);
  refused(pv(['show', '/dev/zero']), /^pvcheck: error: \/dev\/zero: is a character device, not a regular file$/);
  refused(pv(['show', tmp]), /is a directory, not a regular file/);
});

test('a model file that is a FIFO: refused, not imported (the import would block)', () => {
  const fifo = join(tmp, 'model.ts');
  assert.is(spawnSync('mkfifo', [fifo]).status, 0);
  refused(pv(['check', fifo]), /model file .*model\.ts is a FIFO/);
});

test('a trace over the size limit is refused before it is read; PVCHECK_MAX_TRACE_BYTES changes the limit', () => {
  const big = join(tmp, 'big.json');
  const fd = openSync(big, 'w');
  ftruncateSync(fd, 300 * 1024 * 1024); // sparse: no disk used
  closeSync(fd);
  refused(pv(['show', big]), /big\.json: is 314572800 bytes, over the limit of 268435456 \(PVCHECK_MAX_TRACE_BYTES\)/);
  const small = join(tmp, 'small.json');
  writeFileSync(small, JSON.stringify({ format: 'pvcheck-trace', steps: [] }) + ' '.repeat(2000));
  refused(pv(['show', small], { PVCHECK_MAX_TRACE_BYTES: '1000' }), /small\.json: is \d+ bytes, over the limit of 1000/);
});

test('PVCHECK_MAX_TRACE_BYTES takes sizes (1G); a malformed value is an error, not the default; above the string limit a trace is refused for that reason', () => {
  const small = join(tmp, 'small2.json');
  writeFileSync(small, JSON.stringify({ format: 'pvcheck-trace', steps: [] }) + ' '.repeat(2000));
  refused(pv(['show', small], { PVCHECK_MAX_TRACE_BYTES: '1k' }), /small2\.json: is \d+ bytes, over the limit of 1024 \(PVCHECK_MAX_TRACE_BYTES\)/);
  refused(pv(['show', small], { PVCHECK_MAX_TRACE_BYTES: 'lots' }), /^pvcheck: error: PVCHECK_MAX_TRACE_BYTES=lots: expected a size such as 512M/);
  const huge = join(tmp, 'huge.json');
  const fd = openSync(huge, 'w');
  ftruncateSync(fd, 600 * 1024 * 1024); // sparse: above Node's 2^29 - 24 characters
  closeSync(fd);
  refused(pv(['show', huge], { PVCHECK_MAX_TRACE_BYTES: '1G' }), /huge\.json: is 629145600 bytes: a trace is read whole, as one JSON text, and a Node string holds at most \d+ characters \(pvcheck does not stream traces/);
});

test('a binary file as a trace: the error shows control bytes escaped, never raw', () => {
  const bin = join(tmp, 'bin.json');
  writeFileSync(bin, Buffer.from([0, 1, 2, 27, 91, 50, 74, 7, 0, 0]));
  const r = pv(['show', bin]);
  refused(r, /bin\.json: not JSON/);
  assert.not.match(r.err, /[\u0000-\u0008\u000b-\u001f]/, 'no control character (an ESC would drive the terminal)');
  assert.match(r.err, /\\u001b/);
});

test.run();
