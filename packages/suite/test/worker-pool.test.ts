import { describe, expect, it } from 'vitest';
import { WorkerComputePool } from '@vvs/suite';

const SLEEPING_WORKER = new URL('./fixtures/sleeping-worker.mjs', import.meta.url).href;

describe('WorkerComputePool', () => {
  it('starts queued tasks by kind (readouts, then forward passes, then the rest), first in first out within a kind', async () => {
    const pool = new WorkerComputePool({ workers: 1, filename: SLEEPING_WORKER });
    const finished: string[] = [];
    // The sleeping worker answers every kind of task with its id.
    const run = pool.run.bind(pool) as unknown as (task: string, input: unknown) => Promise<string>;
    const activations = pool.activations.bind(pool) as unknown as (input: unknown) => Promise<string>;
    const post = (task: string, id: string, ms = 20) => run(task, { id, ms }).then((id) => void finished.push(id));
    try {
      // The first task occupies the only worker (its start includes the worker's start-up), so the
      // rest wait in the queue, posted lowest priority first.
      const all = [post('ceiling', 'first', 300), post('predictivity', 'p1'), post('ceiling', 'c1'), post('readout', 'r1'), post('predictivity', 'p2'), post('readout', 'r2')];
      all.push(activations({ id: 'a1', ms: 20 }).then((id) => void finished.push(id)));
      await Promise.all(all);
    } finally {
      await pool.close();
    }
    expect(finished).toEqual(['first', 'r1', 'r2', 'a1', 'p1', 'c1', 'p2']);
  });

  it('drops queued tasks on its signal, lets the running one finish, and refuses new ones', async () => {
    const controller = new AbortController();
    const pool = new WorkerComputePool({ workers: 1, filename: SLEEPING_WORKER, signal: controller.signal });
    const run = pool.run.bind(pool) as unknown as (task: string, input: unknown) => Promise<string>;
    const running = run('ceiling', { id: 'running', ms: 300 });
    const queued = run('readout', { id: 'queued', ms: 20 });
    await new Promise((done) => setTimeout(done, 50));
    controller.abort(new Error('stop'));
    await expect(queued).rejects.toThrow('stop');
    await expect(run('readout', { id: 'late', ms: 1 })).rejects.toThrow('stop');
    await expect(running).resolves.toBe('running');
    await pool.close();
  });
});
