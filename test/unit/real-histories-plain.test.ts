import { realHistoriesSuite, useMacroSet } from './real-histories-suite';

// `npm run test:real`: the real-history corpus under plain rpm macros (one process: HOME is set first).
useMacroSet('plain');
realHistoriesSuite('plain');
