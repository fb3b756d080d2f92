/**
 * Entry of a `@vvs/fit` bootstrap worker: registers tsx's loader so that the worker can import the
 * workspace's TypeScript, then refits batches of resamples (see bootstrap-worker.ts).
 */
import { register } from 'tsx/esm/api';

register();
const { default: fitBatch } = await import('./bootstrap-worker.ts');

export default fitBatch;
