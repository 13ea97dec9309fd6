// `node --import ./bin/register.mjs file.ts` runs a TypeScript file directly.
import { register } from 'node:module';
register('./ts-hooks.mjs', import.meta.url);
