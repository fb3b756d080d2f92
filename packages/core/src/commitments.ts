/**
 * Layer commitments: which layer of a model stands for each brain region, and which feeds the
 * behavioural readout. The scaling-laws seed publishes them per architecture, training set and seed
 * (`brainscore/artifacts/commitments.json`, layers named by PyTorch module path).
 */
import { REGIONS, type Region } from './contracts/region.ts';
import { InputError } from './errors.ts';
import { closestMatches } from './registry/closest.ts';

/** One model's commitment: a layer per region and the behavioural readout layer. */
export interface LayerCommitment {
  regionLayer: Record<Region, string>;
  behavioralReadoutLayer: string;
  /** The distinct committed layers (the seed's `layers` list). */
  layers: string[];
}

/** The seed's table: architecture → training set → seed (`seed-0`, …) → commitment. */
export type CommitmentTable = ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, LayerCommitment>>>;

/**
 * Validates the seed's `commitments.json` content (already parsed) into a {@link CommitmentTable}.
 *
 * @param origin where the data came from, for error messages.
 * @throws InputError naming the entry and the field that is missing or not a string.
 * @example
 * const table = parseCommitments(JSON.parse(readFileSync('commitments.json', 'utf8')), 'commitments.json');
 */
export function parseCommitments(data: unknown, origin: string): CommitmentTable {
  const table = new Map<string, Map<string, Map<string, LayerCommitment>>>();
  for (const [architecture, trainingSets] of entries(data, origin, 'the top level')) {
    const byTraining = new Map<string, Map<string, LayerCommitment>>();
    for (const [trainingSet, seeds] of entries(trainingSets, origin, architecture)) {
      const bySeed = new Map<string, LayerCommitment>();
      for (const [seed, entry] of entries(seeds, origin, `${architecture}/${trainingSet}`)) {
        bySeed.set(seed, commitment(entry, origin, `${architecture}/${trainingSet}/${seed}`));
      }
      byTraining.set(trainingSet, bySeed);
    }
    table.set(architecture, byTraining);
  }
  return table;
}

/**
 * The commitment of one model, e.g. `('ResNet18', 'imagenet_full', 0)`.
 *
 * @throws InputError naming the missing architecture, training set or seed and the closest
 *   existing ones.
 * @example
 * commitmentFor(table, 'ResNet18', 'imagenet_full', 0).regionLayer.IT; // 'layer4.0.bn1'
 */
export function commitmentFor(table: CommitmentTable, architecture: string, trainingSet: string, seed: number | string = 0): LayerCommitment {
  const seedKey = typeof seed === 'number' ? `seed-${seed}` : seed;
  const byTraining = pick(table, architecture, 'architecture');
  const bySeed = pick(byTraining, trainingSet, `training set of ${architecture}`);
  return pick(bySeed, seedKey, `seed of ${architecture}/${trainingSet}`);
}

function pick<T>(map: ReadonlyMap<string, T>, key: string, what: string): T {
  const value = map.get(key);
  if (value !== undefined) return value;
  const near = closestMatches(key, [...map.keys()]);
  const hint = near.length ? `; did you mean ${near.map((n) => `'${n}'`).join(', ')}?` : ` (known: ${[...map.keys()].slice(0, 8).join(', ')}${map.size > 8 ? ', …' : ''})`;
  throw new InputError(`no commitment for ${what} '${key}'${hint}`, { field: what });
}

function entries(value: unknown, origin: string, where: string): [string, unknown][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${origin}: ${where} must be an object`, { file: origin });
  }
  return Object.entries(value as Record<string, unknown>);
}

function commitment(entry: unknown, origin: string, where: string): LayerCommitment {
  const fields = Object.fromEntries(entries(entry, origin, where));
  const regions = Object.fromEntries(entries(fields.region2layer, origin, `${where}/region2layer`));
  const regionLayer = {} as Record<Region, string>;
  for (const region of REGIONS) regionLayer[region] = layerName(regions[region], origin, `${where}/region2layer/${region}`);
  const behavioralReadoutLayer = layerName(fields.behavioral_readout_layer, origin, `${where}/behavioral_readout_layer`);
  const layers = Array.isArray(fields.layers)
    ? fields.layers.map((l, i) => layerName(l, origin, `${where}/layers/${i}`))
    : [...new Set(Object.values(regionLayer))].sort();
  return { regionLayer, behavioralReadoutLayer, layers };
}

function layerName(value: unknown, origin: string, where: string): string {
  if (typeof value !== 'string' || value === '') throw new InputError(`${origin}: ${where} must be a layer name (a non-empty string)`, { file: origin });
  return value;
}
