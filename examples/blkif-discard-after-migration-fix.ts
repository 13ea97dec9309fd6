/**
 * A migration to a backend that does not discard: Linux 6.12's blkfront goes
 * on sending BLKIF_OP_DISCARD. `blkif_recover` (drivers/block/xen-blkfront.c
 * 2011-) calls `blkfront_gather_backend_features`, which clears
 * `info->feature_flush` and `feature_fua` before it reads the new backend's
 * nodes but only ever sets `info->feature_discard` (`blkfront_setup_discard`
 * when `feature-discard` reads 1), and `blkif_set_queue_limits` only sets
 * the discard limits, never clears them: the block layer keeps passing
 * REQ_OP_DISCARD and `blkif_queue_request` sends it whatever the features
 * say. blkif.h makes BLKIF_OP_DISCARD optional ("See feature-discard"): the
 * built-in's F_sends_only_advertised is violated in 9 steps (`pvcheck check
 * blkif -p ops=rw+discard -p migrate=true -p destFeatures=none`: handshake,
 * `xl migrate` to a destination whose disk has no discard, the resume, the
 * reconnect, a discard). Harmless against Linux blkback (`dispatch_discard_io`
 * answers BLKIF_RSP_OKAY: nothing discarded) and self-healing against a
 * backend that answers BLKIF_RSP_EOPNOTSUPP (blkfront then clears the
 * feature); flushes are not affected (`feature_flush` is cleared first).
 *
 * The fix here: `blkfront_gather_backend_features` clears `feature_discard`
 * (and `feature_secdiscard`) before it reads `feature-discard`, and
 * `blkif_set_queue_limits` sets the discard and secure-erase limits from the
 * features both ways (`max_hw_discard_sectors`, `max_secure_erase_sectors`:
 * UINT_MAX or 0), so no discard reaches the ring after such a migration and
 * no secure erase goes out as a plain discard (session 27's
 * F_secure_erase_done, `-p ops=rw+discard+secdiscard`, finding
 * blkif-secure-erase-after-migration).
 *
 * @pvcheck check -p ops=rw+discard -p migrate=true -p destFeatures=none
 * @pvcheck expect ok
 * @pvcheck check -p ops=rw+discard -p migrate=true -p destFeatures=none -p bus=7.0
 * @pvcheck expect ok
 * @pvcheck check -p ops=rw+discard+secdiscard -p migrate=true -p destFeatures=nosecure
 * @pvcheck expect ok
 * @pvcheck check -p ops=rw+discard+secdiscard -p migrate=true -p destFeatures=none
 * @pvcheck expect ok
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { blkbackChanged, advertisesDiscard, advertisesSecure, feDevOf, XenbusStateConnected } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-discard-after-migration-fix',
  description: 'blkfront whose blkfront_gather_backend_features clears feature_discard before reading feature-discard (and whose queue limits drop discard with it)',
  see: 'drivers/block/xen-blkfront.c blkfront_gather_backend_features, blkfront_setup_discard, blkif_set_queue_limits, blkif_recover; xen/include/public/io/blkif.h feature-discard',
  params: withDefaults(blkif.params, { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }), // the examples' bounds
  replace: {
    blkback_changed: {
      ...blkbackChanged,
      doc: `${blkbackChanged.doc}; with the fix, blkfront_connect's blkfront_gather_backend_features sets feature_discard from the new backend's node (cleared first)`,
      then: (d, s, p, a) => {
        blkbackChanged.then(d, s, p, a);
        if (s.front.discard !== undefined && s.life !== undefined && feDevOf(s.life) !== XenbusStateConnected && feDevOf(d.life!) === XenbusStateConnected) {
          const f = d.front as { discard: boolean; secdiscard?: boolean; secLimit?: boolean };
          f.discard = advertisesDiscard(s, p);
          // (secdiscard) feature_secdiscard cleared with it, and blkif_set_queue_limits sets max_secure_erase_sectors both ways
          if (f.secdiscard !== undefined) { f.secdiscard = advertisesSecure(s, p); f.secLimit = f.discard && f.secdiscard; }
        }
      },
    },
  },
});
