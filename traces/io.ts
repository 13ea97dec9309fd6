/**
 * Trace files on disk. Writing is whole-or-nothing: the content goes to a
 * temporary file in the same directory, is fsync'ed, then renamed over the
 * target (rename is atomic within a file system), so a reader never sees half
 * a trace and an interrupted write leaves the old file (if any) intact.
 * Reading detects the format by content (a pvcheck trace has
 * `"format": "pvcheck-trace"`, an ITF trace has `states`) and never throws: a
 * bad file gives one line naming the file and what is wrong.
 */
import { accessSync, closeSync, constants, fsyncSync, lstatSync, openSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { constants as bufferConstants } from 'node:buffer';
import { parseSize } from '../checker/memory.js';
import { TRACE_FORMAT, decodeTrace, type Trace } from './format.js';
import { fromItf, looksLikeItf, toItf } from './itf.js';

export type TraceFileFormat = 'json' | 'itf';

const MAX_STRING_LENGTH = bufferConstants.MAX_STRING_LENGTH;

/** The file content for a trace in a format; Left when ITF cannot carry a value. */
export function serializeTrace(trace: Trace, format: TraceFileFormat): E.Either<string, string> {
  if (format === 'json') return E.right(onePerLine(trace, 'steps'));
  const itf = toItf(trace);
  return E.isLeft(itf) ? itf : E.right(onePerLine(itf.right, 'states'));
}

/** Pretty JSON with the elements of the array field `key` one per line (a step per line diffs well). */
function onePerLine(obj: object, key: string): string {
  const fields = Object.entries(obj).filter(([, v]) => v !== undefined);
  const body = fields.map(([k, v]) => {
    const head = `  ${JSON.stringify(k)}: `;
    if (k === key && Array.isArray(v))
      return v.length === 0 ? `${head}[]` : `${head}[\n${v.map((x) => `    ${JSON.stringify(x)}`).join(',\n')}\n  ]`;
    return head + JSON.stringify(v, null, 2).replace(/\n/g, '\n  ');
  });
  return `{\n${body.join(',\n')}\n}\n`;
}

/** What a file-system object is, for a message: "a character device". */
export function fileKind(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a folder';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const isFolder = (d: string): boolean => {
  try {
    return statSync(d).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Where an output file named `path` is written, checked before anything is
 * written: `path` itself when it is a regular file or does not exist yet; for
 * a symbolic link, the file it points to (followed to its end, the link is
 * kept). Left (one line, starting with `path`) when it is a device, FIFO,
 * socket or folder (pvcheck writes only regular files: a write-then-rename
 * would replace `/dev/null` by a file), its folder does not exist or is not
 * writable, or the file is read-only.
 */
export function outputTarget(path: string): E.Either<string, string> {
  let p = path;
  for (let hops = 0; ; hops++) {
    let st: Stats | undefined;
    try {
      st = lstatSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') return E.left(`${path}: a part of the path is not a folder`);
      if (code !== 'ENOENT') return E.left(`${path}: ${code ?? oneLine((e as Error).message)}`);
    }
    const via = p === path ? '' : ` (a link to ${p})`;
    if (st?.isSymbolicLink()) {
      if (hops >= 40) return E.left(`${path}: too many levels of symbolic links`);
      p = resolve(dirname(p), readlinkSync(p));
      continue;
    }
    if (st && !st.isFile()) return E.left(`${path}${via}: is ${fileKind(st)}, not a regular file (pvcheck writes only regular files)`);
    const dir = dirname(p);
    if (!isFolder(dir)) return E.left(`${path}${via}: folder ${dir} does not exist`);
    try {
      accessSync(dir, constants.W_OK | constants.X_OK);
    } catch {
      return E.left(`${path}${via}: folder ${dir} is not writable`);
    }
    if (st) {
      try {
        accessSync(p, constants.W_OK);
      } catch {
        return E.left(`${path}${via}: the file is read-only`);
      }
    }
    return E.right(p);
  }
}

/**
 * Temporary files and folders of writes in progress, removed when the process
 * exits (normally, by process.exit, or by a signal the process handles: the
 * CLI handles SIGINT and SIGTERM). Only SIGKILL can leave one behind.
 */
const inProgress = new Set<string>();
let exitHook = false;

/** Registers a temporary path for removal at exit (until `doneWith`). */
export function removeAtExit(path: string): void {
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const t of inProgress) {
        try {
          rmSync(t, { recursive: true, force: true });
        } catch {
          /* best effort */
        }
      }
    });
  }
  inProgress.add(path);
}

/** The temporary path was renamed into place or removed. */
export const doneWith = (path: string): void => void inProgress.delete(path);

/**
 * Writes `content` to `path` atomically (temp file in the same directory,
 * fsync, rename). A symbolic link is followed (its target is replaced, the
 * link kept); a device, FIFO, socket or folder is refused (outputTarget).
 * Throws on I/O errors, with a one-line message; the temporary file never
 * outlives the call (or the process).
 */
export function writeFileAtomic(path: string, content: string): void {
  const target = outputTarget(path);
  if (E.isLeft(target)) throw new Error(`cannot write ${target.left}`);
  const dest = target.right;
  const dir = dirname(dest);
  const tmp = join(dir, `.${basename(dest)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fd: number | undefined;
  removeAtExit(tmp);
  try {
    fd = openSync(tmp, 'wx', 0o644);
    const buf = Buffer.from(content, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, dest);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* never created, or already renamed */
    }
    throw new Error(`cannot write ${path}: ${oneLine((e as Error).message)}`);
  } finally {
    doneWith(tmp);
  }
  try {
    // make the rename itself durable (not supported on every platform)
    const d = openSync(dir, 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  } catch {
    /* best effort */
  }
}

/**
 * Writes a trace file whole-or-nothing. Throws an Error with a one-line
 * message if the file cannot be written or (ITF) a state holds a value ITF
 * cannot carry (a non-integer number, null).
 */
export function writeTraceFile(path: string, trace: Trace, format: TraceFileFormat = 'json'): void {
  const content = serializeTrace(trace, format);
  if (E.isLeft(content)) throw new Error(`cannot write ${path} as ITF: ${content.left}`);
  writeFileAtomic(path, content.right);
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Parses trace text (JSON or ITF, detected by content); the error is one line without the file name. */
export function parseTrace(text: string): E.Either<string, Trace> {
  if (text.trim() === '') return E.left('file is empty');
  let u: unknown;
  try {
    u = JSON.parse(text);
  } catch (e) {
    return E.left(`not JSON: ${oneLine((e as Error).message).slice(0, 120)}`);
  }
  if (typeof u === 'object' && u !== null && !Array.isArray(u)) {
    const o = u as Record<string, unknown>;
    if (o.format === TRACE_FORMAT || ('steps' in o && !('states' in o))) return decodeTrace(u);
    if (looksLikeItf(u)) return fromItf(u);
  }
  return E.left(`not a trace: expected a pvcheck trace ("format": "${TRACE_FORMAT}") or an ITF trace ("vars" and "states")`);
}

/** The default of {@link traceByteLimit}: 256 MiB. */
export const DEFAULT_MAX_TRACE_BYTES = 256 * 1024 * 1024;

/**
 * The largest trace file read, in bytes: 256 MiB by default (the longest
 * counterexample of a built-in model is a few hundred kB),
 * PVCHECK_MAX_TRACE_BYTES to change it (a number of bytes, or a size such as
 * 512M or 1G; a value that is neither is an error, not the default). Checked
 * before reading, so `/dev/zero` or a huge file is refused at once instead of
 * filling the memory.
 *
 * Traces are not streamed, whatever the limit: a trace file is one JSON
 * document, read with JSON.parse as one string, and a Node string holds at
 * most buffer.constants.MAX_STRING_LENGTH characters (2^29 - 24, 512 MiB, on
 * 64-bit Node 20), so a file above that is refused with that reason even when
 * the limit is raised. Streaming would need a streaming JSON parser (a
 * dependency, or one of our own) for files no pvcheck command writes: a
 * counterexample is a shortest path, hundreds of steps, and `show`, `replay`
 * and the charts hold every step anyway.
 */
export function traceByteLimit(): E.Either<string, number> {
  const raw = process.env.PVCHECK_MAX_TRACE_BYTES;
  if (raw === undefined || raw === '') return E.right(DEFAULT_MAX_TRACE_BYTES);
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : parseSize(raw);
  if (typeof n === 'string' || !Number.isSafeInteger(n) || n <= 0)
    return E.left(`PVCHECK_MAX_TRACE_BYTES=${raw}: ${typeof n === 'string' ? n : 'expected a positive number of bytes'}`);
  return E.right(n);
}

/**
 * Why file `path` is not one pvcheck reads as input (a FIFO would block, a
 * device or /dev/zero never ends, a file over `limit` bytes fills the
 * memory), or undefined. Follows symbolic links.
 */
export function inputProblem(path: string, limit: number, limitName: string): string | undefined {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'ENOTDIR' ? 'a part of the path is not a folder' : oneLine((e as Error).message);
  }
  if (st.isDirectory()) return 'is a directory, not a regular file';
  if (!st.isFile()) return `is ${fileKind(st)}, not a regular file`;
  if (st.size > limit) return `is ${st.size} bytes, over the limit of ${limit} (${limitName})`;
  return undefined;
}

/** Control characters of a file's bytes shown as `\uXXXX`, so that an error never echoes binary to the terminal. */
const printable = (s: string): string => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Reads a trace file (JSON or ITF). Never throws: Left is one line, `FILE: what is wrong`. */
export function readTraceFile(path: string): E.Either<string, Trace> {
  const limit = traceByteLimit();
  if (E.isLeft(limit)) return limit;
  const problem = inputProblem(path, limit.right, 'PVCHECK_MAX_TRACE_BYTES');
  if (problem) return E.left(`${path}: ${problem}`);
  const size = statSync(path).size;
  if (size > MAX_STRING_LENGTH)
    return E.left(
      `${path}: is ${size} bytes: a trace is read whole, as one JSON text, and a Node string holds at most ${MAX_STRING_LENGTH} characters (pvcheck does not stream traces: docs/traces.md)`,
    );
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : oneLine((e as Error).message);
    return E.left(`${path}: ${why}`);
  }
  const r = parseTrace(text);
  return E.isLeft(r) ? E.left(`${path}: ${printable(r.left)}`) : r;
}
