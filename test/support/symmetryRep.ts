/**
 * The representative of a state under a shape's symmetry, computed both ways
 * (the generated code and the table-driven loops) and checked equal: the
 * helper of test/symmetryAbsent and test/symmetryBagOrder.
 */
import * as assert from 'uvu/assert';
import { shapeCodec } from '../../checker/codec.js';
import { Symmetry } from '../../checker/symmetry.js';
import type { Piece } from '../../model/shape.js';

export function representatives<St>(piece: Piece, sets: Record<string, number>, firstUse?: string): (s: St) => string {
  const codec = shapeCodec<St>(piece);
  const fast = new Symmetry(codec as never, sets, firstUse);
  const slow = new Symmetry(codec as never, sets, firstUse, false);
  const w = new Uint32Array(codec.words), a = new Uint32Array(codec.words), b = new Uint32Array(codec.words);
  return (s: St): string => {
    codec.pack(s, w);
    fast.canonical(w, a);
    slow.canonical(w, b);
    assert.equal([...a], [...b], `generated code and loops differ on ${JSON.stringify(s)}`);
    return a.join();
  };
}
