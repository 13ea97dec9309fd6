/**
 * Linux f599c64fdf7d ("xen-netfront: Fix race between device setup and open"),
 * undone: netfront registers its net_device in probe, before talk_to_netback
 * created the queues, so userspace can open the interface (xennet_open) while
 * the queues do not exist: a NULL dereference in the guest.
 *
 * With the settings of the header below, pvcheck reports X6_open_only_with_queues with a 3-step shortest counterexample
 * (device add, netfront_probe, xennet_open). The built-in `xenbus` model is the fix
 * (register_netdev in xennet_connect, after the queues exist) and verifies.
 *
 * @pvcheck catalogue B-4
 * @pvcheck check -p events=0
 * @pvcheck expect violation X6_open_only_with_queues in 3 steps
 * @pvcheck fixed-by xenbus
 */
import { deriveModel, withDefaults, type Rule, xenbusModel } from 'pvcheck';
const { netfront_probe, xenbus } = xenbusModel;
type XenbusModelState = xenbusModel.XenbusModelState;
type XenbusParams = xenbusModel.XenbusParams;

const probeRegistersNetdev: Rule<XenbusModelState, XenbusParams> = {
  ...netfront_probe,
  doc: 'netfront_probe as before f599c64fdf7d: xennet_create_dev, then register_netdev at once',
  then: (d, s, p, a) => { netfront_probe.then(d, s, p, a); d.fe.netdev = true; },
};

export default deriveModel(xenbus, {
  name: 'xenbus-netdev-before-queues',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: 'netfront registers the net_device in probe, before its queues exist (Linux before f599c64fdf7d)',
  see: 'Linux f599c64fdf7d; xen-protocols.md §6.2 B-4',
  replace: { netfront_probe: probeRegistersNetdev },
});
