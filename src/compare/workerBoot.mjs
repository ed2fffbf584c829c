// Worker-thread bootstrap (plain JS, so Node can load it as is): register tsx's TypeScript loader in this
// thread, then load the real worker (as src/cli/ablation/workerBoot.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
