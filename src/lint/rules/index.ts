import { deferInLoop } from './deferInLoop';
import { httpBodyNotClosed } from './httpBodyNotClosed';
import type { Rule } from './rule';
import { selectWithoutCtxDone } from './selectWithoutCtxDone';

/** Every rule, in the order their findings are produced. */
export const RULES: readonly Rule[] = [deferInLoop, selectWithoutCtxDone, httpBodyNotClosed];
