/**
 * Activations extracted once per (model, stimulus set, layer) and shared by every benchmark and every
 * candidate layer of a selection that asks for them while the model is open.
 */
import { createHash } from 'node:crypto';
import type { ActivationBatch, ActivationOptions, ModelAdapter } from './contracts/model-adapter.ts';
import type { StimulusSet } from './contracts/stimulus-set.ts';
import { collectActivations } from './activations.ts';

/**
 * Bytes of activations an {@link ActivationMemo} keeps by default before it forgets the stimulus set
 * used least recently: room for a few layers of a ResNet on a Brain-Score stimulus set, and far
 * below the memory of the machines vvs runs on.
 */
export const DEFAULT_ACTIVATION_MEMO_BYTES = 2 * 1024 ** 3;

/** One layer's activations on a whole stimulus set, rows in the set's order. */
interface StoredLayer {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Everything stored for one stimulus set. */
interface SetEntry {
  readonly stimulusIds: readonly string[];
  readonly layers: Map<string, Promise<StoredLayer>>;
  bytes: number;
  lastUsed: number;
}

/** Options of {@link ActivationMemo}. */
export interface ActivationMemoOptions {
  /** Upper bound on the bytes kept (default {@link DEFAULT_ACTIVATION_MEMO_BYTES}). */
  readonly maxBytes?: number;
}

/**
 * A {@link ModelAdapter} that remembers what it extracted: a second request for a layer on the same
 * stimulus set (same identifier, visual degrees and stimulus ids) is served from memory, and
 * concurrent requests share one forward pass. {@link ActivationMemo.prefetching} gives a view that
 * extracts a whole list of layers in one pass as soon as any of them is asked for — what layer
 * selection needs, since it scores every candidate on the same images. When the kept bytes exceed
 * `maxBytes`, the stimulus sets used least recently are forgotten.
 *
 * @example
 * const memo = new ActivationMemo(await OnnxModelAdapter.load('resnet18.onnx'));
 * const candidates = memo.prefetching(['layer1', 'layer2', 'layer3', 'layer4']);
 * await collectActivations(candidates, stimuli, ['layer1']); // one pass, all four layers kept
 * await collectActivations(memo, stimuli, ['layer3']);       // from memory
 */
export class ActivationMemo implements ModelAdapter {
  readonly id: string;
  /** Forward passes run so far (for tests and progress reports). */
  passes = 0;
  readonly #inner: ModelAdapter;
  readonly #maxBytes: number;
  readonly #sets = new Map<string, SetEntry>();
  #clock = 0;

  constructor(inner: ModelAdapter, { maxBytes = DEFAULT_ACTIVATION_MEMO_BYTES }: ActivationMemoOptions = {}) {
    if (!(maxBytes > 0)) throw new RangeError(`ActivationMemo: maxBytes must be positive, got ${maxBytes}`);
    this.#inner = inner;
    this.#maxBytes = maxBytes;
    this.id = inner.id;
  }

  /** The adapter whose activations are remembered. */
  get inner(): ModelAdapter {
    return this.#inner;
  }

  layers(): readonly string[] {
    return this.#inner.layers();
  }

  activations(stimuli: StimulusSet, layers: readonly string[], opts: ActivationOptions = {}): AsyncIterable<ActivationBatch> {
    return this.#serve(stimuli, layers, [], opts);
  }

  /**
   * A view of this memo that, when asked for any of `layers` on a stimulus set, extracts all of them
   * in the same forward pass.
   */
  prefetching(layers: readonly string[]): ModelAdapter {
    return {
      id: this.id,
      layers: () => this.layers(),
      activations: (stimuli, requested, opts = {}) => this.#serve(stimuli, requested, layers, opts),
    };
  }

  /** Bytes of activations currently kept. */
  get bytes(): number {
    let total = 0;
    for (const entry of this.#sets.values()) total += entry.bytes;
    return total;
  }

  async dispose(): Promise<void> {
    this.#sets.clear();
    await this.#inner.dispose?.();
  }

  async *#serve(stimuli: StimulusSet, layers: readonly string[], prefetch: readonly string[], opts: ActivationOptions): AsyncIterable<ActivationBatch> {
    const known = new Set(this.layers());
    const unknown = layers.find((layer) => !known.has(layer));
    if (unknown !== undefined) throw new RangeError(`${this.id}: no layer '${unknown}'`);
    const key = stimulusSetKey(stimuli);
    let entry = this.#sets.get(key);
    if (entry === undefined) {
      entry = { stimulusIds: stimuli.rows.map((r) => r.stimulus_id), layers: new Map(), bytes: 0, lastUsed: 0 };
      this.#sets.set(key, entry);
    }
    entry.lastUsed = ++this.#clock;
    const missing = layers.filter((layer) => !entry.layers.has(layer));
    if (missing.length > 0) this.#extract(key, entry, stimuli, missing.some((l) => prefetch.includes(l)) ? [...new Set([...missing, ...prefetch.filter((l) => !entry.layers.has(l))])] : missing, opts);
    for (const layer of layers) {
      const stored = await entry.layers.get(layer)!;
      yield { stimulusIds: entry.stimulusIds, layer, shape: [entry.stimulusIds.length, ...stored.shape], data: stored.data };
    }
  }

  #extract(key: string, entry: SetEntry, stimuli: StimulusSet, layers: readonly string[], opts: ActivationOptions): void {
    this.passes++;
    const shapes = new Map<string, readonly number[]>();
    const pass = collectActivations(this.#inner, stimuli, layers, { ...opts, onBatch: (b) => shapes.set(b.layer, b.shape.slice(1)) });
    for (const layer of layers) {
      const stored = pass.then((all) => {
        const { data } = all.get(layer)!;
        entry.bytes += data.byteLength;
        return { shape: shapes.get(layer) ?? [data.length / Math.max(1, stimuli.rows.length)], data };
      });
      // A failed pass is forgotten, so that a later request tries again.
      stored.catch(() => entry.layers.get(layer) === stored && entry.layers.delete(layer));
      entry.layers.set(layer, stored);
    }
    void pass.then(() => this.#evict(key), () => undefined);
  }

  /** Forgets the stimulus sets used least recently (never `keep`) until the kept bytes fit. */
  #evict(keep: string): void {
    const byAge = [...this.#sets.entries()].filter(([k]) => k !== keep).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [k] of byAge) {
      if (this.bytes <= this.#maxBytes) return;
      this.#sets.delete(k);
    }
  }
}

/** What identifies the images an adapter sees: the set's identifier, its visual degrees and its stimulus ids. */
function stimulusSetKey(stimuli: StimulusSet): string {
  const ids = createHash('sha1');
  for (const row of stimuli.rows) ids.update(`${row.stimulus_id}\n`);
  return `${stimuli.identifier}|${stimuli.visualDegrees ?? ''}|${ids.digest('hex')}`;
}
