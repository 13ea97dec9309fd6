/**
 * What a word-level model of a built-in (model/ringWeakFlat.ts for ring, model/xenbusFlat.ts for xenbus:
 * the same rules written as integer code on a flat layout, cli/fastPath.ts) takes from the built-in's
 * rules: each rule's name, actor, doc, sources and where it applies are the nested rule's of that name,
 * so the two cannot drift apart there; only its guard, effect and choices are its own.
 */
import type { Rule } from './core.js';

type R<S, P> = Rule<S, P, any>;

/** A rule maker for a word-level model whose built-in's rules are `nestedRules` (named `file` in errors). */
export const wordLevelRule =
  <NS, S, P>(nestedRules: readonly Rule<NS, P, any>[], file: string) =>
  (name: string, when: R<S, P>['when'], then: R<S, P>['then'], choices?: R<S, P>['choices'], showChoice?: R<S, P>['showChoice']): R<S, P> => {
    const n = nestedRules.find((x) => x.name === name);
    if (!n) throw new Error(`${file} has no rule ${name}`);
    return {
      name, ...(n.actor ? { actor: n.actor } : {}), ...(n.doc ? { doc: n.doc } : {}), ...(n.see ? { see: n.see } : {}),
      ...(n.applies ? { applies: n.applies } : {}),
      ...(choices ? { choices } : {}), ...(showChoice ? { showChoice } : {}), ...(when ? { when } : {}), then,
    };
  };
