/**
 * A change to check for the finding blkif-crash-remove (docs/findings.md):
 * blkfront ends the requests its dead backend will never answer, so that the
 * removal of the device does not wait for them for ever.
 *
 * Today (Linux 6.12 and 7.0): a driver domain dies with requests outstanding;
 * `xl destroy` of it removes its xenstore directory, `xl block-detach` of the
 * guest's vbd removes the frontend directory ("backend ... already removed,
 * cleanup frontend only"), and the guest's bus removes the device on its
 * xenwatch thread: `blkfront_remove` -> `del_gendisk` ->
 * `blk_mq_freeze_queue_wait`, which waits until every request is done.
 * blkfront's `blk_mq_ops` has no `.timeout` (blk-mq only arms the timer
 * again) and nothing else ends a request but a response, so xenwatch waits
 * for ever, and with it every xenstore watch of the guest (its devices,
 * `control/shutdown`). At 7.0 e2dcf9065536's re-probe of a device the
 * toolstack attached again (`-p restart=true`) unregisters the old device
 * first: the same wait, the new disk never probed.
 *
 * The change: a request outstanding when the device goes while its backend is
 * gone ends with an error (BLK_STS_IOERR) instead of being waited for: a blk-mq
 * `.timeout` handler that ends a request whose backend's state reads
 * XenbusStateUnknown (`xenbus_read_driver_state`: the node gone, or at 7.0 a
 * vanished device), or `blkfront_remove` ending them before `del_gendisk`.
 * The model's rule ends them at the removal (what the timeout would do 30 s
 * later). With it the removal completes at both cores; with `restart` Linux
 * 7.0 connects the new device, and 6.12 still does not (the old device stays
 * bound when the toolstack writes the new one before the guest's bus saw the
 * removal: the bug e2dcf9065536 fixes). With xl's on_crash=preserve
 * (`-p crash=preserve`: the domain kept paused, `xl block-detach -f` to
 * remove the disk) the removal completes too, the grants the paused domain
 * still maps deferred (gnttab_add_deferred), not freed.
 *
 * @pvcheck check -p crash=destroy
 * @pvcheck expect ok
 * @pvcheck check -p crash=destroy -p bus=7.0
 * @pvcheck expect ok
 * @pvcheck check -p crash=destroy -p restart=true -p bus=7.0
 * @pvcheck expect ok
 * @pvcheck check -p crash=destroy -p restart=true
 * @pvcheck expect deadlock in 6 steps
 * @pvcheck check -p crash=preserve -p requests=3
 * @pvcheck expect ok
 */
import { deriveModel, blkif, blkifModel } from 'pvcheck';
const { blkfrontRemove, removeFirstDevice, GDEV_REMOVING } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-crash-remove-fix',
  description: 'blkfront whose removal ends the requests a dead backend will never answer (BLK_STS_IOERR) instead of waiting for them in del_gendisk',
  see: 'drivers/block/xen-blkfront.c blkfront_remove, blkfront_mq_ops; block/genhd.c del_gendisk; block/blk-mq.c blk_mq_rq_timed_out',
  replace: {
    blkfront_remove: {
      ...blkfrontRemove,
      doc: 'as Linux, except that a request outstanding ends with BLK_STS_IOERR (its backend is gone: a blk-mq timeout handler, or blkfront_remove before del_gendisk), so del_gendisk returns; then blkif_free and xenbus_dev_remove\'s switch to Closed',
      when: (s) => s.life?.gdev === GDEV_REMOVING,
      then: (d, s, p) => removeFirstDevice(d, s, p),
    },
  },
});
