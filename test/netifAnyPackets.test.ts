/**
 * netif-tx `anyPackets`: with `frontend=any` (or `hostile`) only the first
 * `anyPackets` packets take any shape of the format domain, the later ones
 * are netfront's own. The reference here is written apart from the model's
 * `shapesAt`: the rule is wrapped so that it offers every shape of the
 * format domain (`anyPackets=0`) and, from packet `anyPackets` on, keeps only
 * the shapes a predicate written from xennet_start_xmit's description says
 * netfront sends (one or two data slots up to XEN_NETIF_NR_SLOTS_MIN, the
 * head alone 1 or a page, else the copy length or a page, later fragments 1,
 * no fragment at an offset, the chain terminated, a GSO extra or none). The
 * counts, depth and verdict of the two must be equal.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveModel, type Rule } from '../model/core.js';
import { netifTx, shapes, shapesAt, type NetifState, type NetifParams, type Shape, XEN_NETBACK_TX_COPY_LEN, XEN_PAGE_SIZE } from '../model/netif.js';
import { paramsOf, runModel } from './support/models.js';

/** What Linux netfront sends (independent of model/netif.ts `shapes`). */
const isNetfrontPacket = (sh: Shape, p: NetifParams): boolean => {
  const n = sh.frags.length;
  if (n < 1 || n > Math.min(p.maxSlots, p.slotsMin)) return false;
  if (sh.offsetSlot !== -1 || sh.unterminated) return false;
  if (!(sh.extra === 'none' || (sh.extra === 'gso' && p.gso === 'on'))) return false;
  const head = sh.frags[0]!;
  if (n === 1 ? head !== 1 && head !== XEN_PAGE_SIZE : head !== XEN_NETBACK_TX_COPY_LEN && head !== XEN_PAGE_SIZE) return false;
  return sh.frags.slice(1).every((f) => f === 1);
};

const xmit = netifTx.rules.find((r) => r.name === 'xennet_start_xmit')! as Rule<NetifState, NetifParams, Shape>;
const reference = deriveModel(netifTx, {
  name: 'netif-tx-any-prefix-reference',
  description: 'every shape, filtered to netfront packets from packet anyPackets on',
  replace: {
    xennet_start_xmit: {
      ...xmit,
      choices: (s, p) => {
        const all = xmit.choices!(s, { ...p, anyPackets: 0 }) as Shape[];
        return p.anyPackets > 0 && s.front.sent >= p.anyPackets ? all.filter((sh) => isNetfrontPacket(sh, p)) : all;
      },
    },
  },
});

const summary = (r: ReturnType<typeof runModel>) => ({ states: r.distinctStates, edges: r.edges, depth: r.depth, outcome: r.outcome, violation: r.violation?.property, steps: r.violation ? r.violation.trace.length - 1 : -1 });

test('netfront\'s packets are among the format domain\'s (so anyPackets=k covers the honest packets in the first k too)', () => {
  for (const maxSlots of [1, 2, 3]) for (const gso of ['on', 'off'] as const) {
    const p = paramsOf(netifTx, { frontend: 'any', maxSlots, gso });
    const any = new Set(shapes(p).map((sh) => JSON.stringify(sh)));
    const honest = shapes({ ...p, frontend: 'honest' });
    assert.ok(honest.length > 0);
    for (const sh of honest) {
      assert.ok(any.has(JSON.stringify(sh)), `${JSON.stringify(sh)} at maxSlots=${maxSlots} gso=${gso}`);
      assert.ok(isNetfrontPacket(sh, p), `the reference predicate accepts netfront's ${JSON.stringify(sh)}`);
    }
    assert.is(shapes(p).filter((sh) => isNetfrontPacket(sh, p)).length, honest.length, 'the predicate picks exactly netfront\'s packets');
    // the default anyPackets=2: packets 0 and 1 any, from packet 2 on netfront's
    assert.is(shapesAt(p, 1).length, shapes(p).length);
    assert.equal(shapesAt(p, 2), honest);
  }
});

for (const c of <Record<string, string | number>[]>[
  { frontend: 'any', packets: 2, anyPackets: 1 },
  { frontend: 'any', packets: 3, anyPackets: 1, ringSize: 4 },
  { frontend: 'any', packets: 3, anyPackets: 2, ringSize: 4, gso: 'off' },
  { frontend: 'hostile', packets: 2, anyPackets: 1, maxSlots: 1, ringSize: 4, gso: 'off' },
]) {
  test(`anyPackets: ${JSON.stringify(c)}: the built-in equals the filtered reference`, () => {
    const p = paramsOf(netifTx, c);
    const got = summary(runModel(netifTx, p));
    const want = summary(runModel(reference, p));
    assert.equal(got, want);
    if (p.ringSize > 4) return; // every packet any on the default ring: 973,814 states, 4 s
    const all = summary(runModel(netifTx, { ...p, anyPackets: 0 }));
    assert.ok(got.states < all.states, `fewer states than every packet any (${got.states} < ${all.states})`);
  });
}

test('anyPackets at or past packets is every packet (0)', () => {
  const base = { frontend: 'any', packets: 2, ringSize: 4, maxSlots: 2 };
  const all = summary(runModel(netifTx, paramsOf(netifTx, { ...base, anyPackets: 0 })));
  assert.equal(summary(runModel(netifTx, paramsOf(netifTx, { ...base, anyPackets: 2 }))), all);
  assert.equal(summary(runModel(netifTx, paramsOf(netifTx, { ...base, anyPackets: 8 }))), all);
});

test('the fraglist finding needs two packets of the format domain on the default ring: one any packet followed by netfront\'s verifies', () => {
  // the 4-step route (docs/findings.md): an unterminated one-slot packet, then an unterminated one-slot packet with a GSO extra
  const r = runModel(netifTx, paramsOf(netifTx, { frontend: 'any', packets: 2, anyPackets: 1 }));
  assert.is(r.outcome, 'ok');
});

test('an honest frontend ignores anyPackets', () => {
  const p = paramsOf(netifTx, { packets: 2 });
  assert.equal(summary(runModel(netifTx, { ...p, anyPackets: 0 })), summary(runModel(netifTx, { ...p, anyPackets: 1 })));
});

test.run();
