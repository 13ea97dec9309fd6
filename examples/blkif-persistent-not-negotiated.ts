/**
 * A protocol change to check: a block backend that keeps grants mapped
 * persistently although the frontend did not advertise `feature-persistent`.
 * blkif.h says the backend "should only map grants persistently if the
 * frontend supports it"; blkfront without the feature ends foreign access on
 * every completed grant, `gnttab_try_end_foreign_access` fails while the
 * backend still maps it, and blkfront gives up ("backed has not unmapped
 * grant", blkif_completion returns -1: the device is broken until
 * reconnect). Linux blkback maps persistently only when both ends have the
 * feature (`blkif->vbd.feature_gnt_persistent`), which is the built-in model.
 *
 * @pvcheck check -p persistent=false
 * @pvcheck expect violation F_not_broken in 5 steps
 * @pvcheck fixed-by blkif -p ringSize=2 -p requests=3 -p pages=2 -p maxPgrants=1
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { xenBlkbkMap } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-persistent-not-negotiated',
  description: 'blkback mapping grants persistently whether or not the frontend advertised feature-persistent',
  see: 'xen/include/public/io/blkif.h feature-persistent (backend); drivers/block/xen-blkfront.c blkif_completion',
  params: withDefaults(blkif.params, { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }), // the bounds the header was written at
  replace: {
    xen_blkbk_map: { ...xenBlkbkMap, then: (d, s, p, a) => xenBlkbkMap.then(d, s, { ...p, persistent: true }, a) },
  },
});
