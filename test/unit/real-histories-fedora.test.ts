import { realHistoriesSuite, useMacroSet } from './real-histories-suite';

// `npm run test:real`: the real-history corpus under fedora-like rpm macros (one process: HOME is set first).
useMacroSet('fedora-like');
realHistoriesSuite('fedora-like');
