/** xenbus's parameters at each Linux xenbus core (`-p bus`), for the bus=7.0 tests (test/xenbusV7*). */
import { xenbus, type XenbusParams } from '../../model/xenbus.js';
import { paramsOf } from './models.js';

export type Overrides = Record<string, string | number | boolean>;
/** xenbus at `o` on Linux 7.0's core (e2dcf9065536). */
export const p7 = (o: Overrides = {}): XenbusParams => paramsOf(xenbus, { ...o, bus: '7.0' });
/** xenbus at `o` on 6.12's (the default). */
export const p6 = (o: Overrides = {}): XenbusParams => paramsOf(xenbus, o);
