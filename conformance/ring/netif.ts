/**
 * The netif tx ring harness (conformance/ring/netif.c): renders netif-tx
 * vectors (conformance/netif.ts's vocabulary) in its line format, at the
 * vector's own indices or moved on by a start index (a ring attached at
 * that index, e.g. just below 2^32 so that every index wraps), builds it
 * with gcc against the real xen/io/ring.h and xen/io/netif.h (or copies
 * placed first on the include path), and runs it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Json, Vector } from '../format.js';
import { SYSTEM_RING_H, type BuildResult, type RunResult } from './harness.js';

export const NETIF_HARNESS_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'netif.c');
export const SYSTEM_NETIF_H = '/usr/include/xen/io/netif.h';
const NETBACK_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'netback');

const INDEX_FIELDS = ['req_prod', 'rsp_prod', 'req_prod_pvt', 'rsp_cons', 'req_cons', 'rsp_prod_pvt', 'req_event'] as const;
const u32 = (x: number): number => x >>> 0;
const num = (v: Json | undefined, where: string): number => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new Error(`${where}: ${JSON.stringify(v)} is not an integer`);
};

type SlotView = { kind: string; id?: number; flags?: number; size?: number; offset?: number; type?: number; status?: number };

/** The harness input for netif-tx vectors; `startIndex` moves every ring index on by that much (mod 2^32). */
export function renderNetifHarness(vs: readonly Vector[], startIndex = 0): string {
  const lines = ['# pvcheck netif-tx vectors for conformance/ring/netif.c (see docs/vectors.md)'];
  const at = (i: number) => u32(i + startIndex);
  for (const v of vs) {
    if (!v.model.startsWith('netif-tx')) throw new Error(`vector ${v.id} is not a netif-tx vector (model ${v.model})`);
    if (/\s/.test(v.id)) throw new Error(`vector id '${v.id}' contains white space`);
    const size = num(v.params.ringSize, `vector ${v.id} params.ringSize`);
    lines.push(`V ${v.id} ${size} ${u32(startIndex)}`);
    v.steps.forEach((s, n) => {
      const where = `vector ${v.id} step ${n + 1}`;
      const a = (s.args ?? {}) as Record<string, Json>;
      const e = s.expect as Record<string, Json>;
      lines.push(`S ${n + 1} ${s.call}`);
      if (s.call === 'xennet_start_xmit') {
        for (const sl of a.slots as SlotView[])
          lines.push(sl.kind === 'extra' ? `wext ${sl.type} ${sl.flags} ${sl.size}` : `wreq ${sl.id} ${sl.flags} ${sl.size} ${sl.offset}`);
        lines.push(e.notify === undefined ? 'pushreq' : `pushreq ${e.notify ? 1 : 0}`);
      } else if (s.call === 'xennet_tx_buf_gc') {
        const r = e.response as SlotView | undefined;
        if (e.overflow) lines.push('gc 1');
        else if (r!.kind === 'req') lines.push(`gc 0 req ${r!.id} ${r!.flags} ${r!.size} ${r!.offset}`);
        else if (r!.kind === 'extra') lines.push(`gc 0 ext ${r!.type} ${r!.flags} ${r!.size}`);
        else lines.push(r!.id === undefined ? `gc 0 ${r!.status}` : `gc 0 ${r!.status} ${r!.id} ${num(e.id_in_range, where)}`);
      } else if (s.call === 'hostile_write') {
        const what = a.what, val = num(a.val, where);
        if (what === 'event') lines.push('hevent');
        else if (what === 'req_prod') lines.push(`hreqprod ${at(val)}`);
        else if (what === 'size') lines.push(`hsize ${(num(a.slot, where) + startIndex) & (size - 1)} ${val}`);
        else throw new Error(`${where}: the harness has no hostile write of ${String(what)} (a hostile backend's writes are netfront's business)`);
      } else if (s.call.startsWith('xenvif_')) {
        if (e.unconsumed !== undefined) lines.push(`unconsumed ${num(e.unconsumed, where)}`);
        if (e.has_unconsumed !== undefined) lines.push(`hasunconsumed ${e.has_unconsumed ? 1 : 0}`);
        if (e.more_to_do !== undefined) lines.push(`finalcheck ${e.more_to_do ? 1 : 0}`);
        ((e.read ?? []) as SlotView[]).forEach((r, k) => {
          if (r.kind === 'extra') lines.push(`rdext ${k} ${r.type} ${r.flags} ${r.size}`);
          else if (r.kind === 'rsp') lines.push(`rdrsp ${k} ${r.status}${r.id === undefined ? '' : ' ' + r.id}`);
          else lines.push(`rdreq ${k} ${r.id} ${r.flags} ${r.size} ${r.offset}`);
        });
        lines.push(`consume ${num(a.consume, where)}`);
        const te = a.tx_err as { id: number; extra_count: number; end: number } | undefined;
        if (te) lines.push(`txerr ${te.id} ${te.extra_count} ${at(te.end)}`);
        const pushEach = s.call !== 'xenvif_idx_release.make_tx_response';
        if (!te)
          for (const r of (a.responses ?? []) as { id: number; extra_count: number; status: number }[]) {
            lines.push(`mkrsp ${r.id} ${r.extra_count} ${r.status}`);
            if (pushEach) lines.push('pushrsp');
          }
        if (s.call === 'xenvif_idx_release.push_tx_responses') lines.push('pushrsp');
      } else throw new Error(`${where}: the harness has no call ${s.call}`);
      for (const f of INDEX_FIELDS) if (e[f] !== undefined) lines.push(`expect ${f} ${at(num(e[f], where))}`);
    });
    lines.push('E');
  }
  return lines.join('\n') + '\n';
}

/**
 * Compiles netif.c to `out` (`includeFirst`: a folder holding xen/io/ring.h
 * or netif.h to use before the system's; `netbackExtract`: the text of
 * netback's response path (conformance/netback/netback.ts
 * `extractResponsePath`), compiled in instead of the harness's
 * transcriptions).
 */
export function buildNetifHarness(out: string, opt: { includeFirst?: string; cc?: string; netbackExtract?: string } = {}): BuildResult {
  const cc = opt.cc ?? process.env.CC ?? 'gcc';
  for (const h of [SYSTEM_RING_H, SYSTEM_NETIF_H])
    if (!existsSync(h)) return { ok: false, message: `${h} is missing: install the Xen headers (apt-get install -y libxen-dev)` };
  const nb: string[] = [];
  if (opt.netbackExtract !== undefined) {
    writeFileSync(`${out}-netback_rsp_extract.c`, opt.netbackExtract);
    nb.push('-DNETBACK_EXTRACT', `-DNETBACK_RSP_EXTRACT="${out}-netback_rsp_extract.c"`, '-I', NETBACK_DIR);
  }
  const args = ['-std=gnu11', '-O1', '-Wall', '-Werror', ...(opt.includeFirst ? ['-I', opt.includeFirst] : []), ...nb, '-o', out, NETIF_HARNESS_SOURCE];
  const r = spawnSync(cc, args, { encoding: 'utf8' });
  if (r.error) return { ok: false, message: `cannot run the C compiler '${cc}': ${r.error.message} (install gcc)` };
  if (r.status !== 0) return { ok: false, message: `${cc} failed (status ${r.status}): ${(r.stderr || r.stdout).trim()}` };
  return { ok: true, message: `built ${out}` };
}

export function runNetifHarness(exe: string, inputFile: string): RunResult {
  const r = spawnSync(exe, [inputFile], { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.error ? r.error.message : (r.stderr ?? '') };
}
