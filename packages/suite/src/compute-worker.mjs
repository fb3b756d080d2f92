/**
 * Entry of a `@vvs/suite` pool worker: registers tsx's loader so that the worker can import the
 * workspace's TypeScript, then serves compute tasks (see compute-worker.ts).
 */
import { register } from 'tsx/esm/api';

register();
const { default: runTask } = await import('./compute-worker.ts');

export default runTask;
