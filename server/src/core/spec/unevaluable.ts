/** Raised where the evaluator cannot say what rpm would: the caller asks rpm itself. */
export class Unevaluable extends Error {}
