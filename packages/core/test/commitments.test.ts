import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '@vvs/test-utils';
import { InputError, commitmentFor, parseCommitments } from '../src/index.ts';

const path = sharedPath('seed/artifacts/commitments.json');
const table = parseCommitments(JSON.parse(readFileSync(path, 'utf8')), path);

describe("the seed's commitments.json", () => {
  it('parses all 278 architectures and 368 (training set, seed) entries', () => {
    expect(table.size).toBe(278);
    let entries = 0;
    for (const byTraining of table.values()) for (const bySeed of byTraining.values()) entries += bySeed.size;
    expect(entries).toBe(368);
  });

  it('gives the layers the shared resnet18 expectations were written for', () => {
    // ../shared/models/README.md: resnet18 commits layer1.0.bn1, layer3.0.conv2, layer2.0.bn2, layer4.0.bn1, avgpool
    const c = commitmentFor(table, 'ResNet18', 'imagenet_full', 0);
    expect(c.regionLayer).toEqual({ V1: 'layer1.0.bn1', V2: 'layer3.0.conv2', V4: 'layer2.0.bn2', IT: 'layer4.0.bn1' });
    expect(c.behavioralReadoutLayer).toBe('avgpool');
    expect(c.layers).toEqual(['layer1.0.bn1', 'layer2.0.bn2', 'layer3.0.conv2', 'layer4.0.bn1']);
  });

  it('names what is missing and suggests the closest entries', () => {
    expect(() => commitmentFor(table, 'resnet_18', 'imagenet_full')).toThrow(InputError);
    expect(() => commitmentFor(table, 'ResNet18', 'imagenet_ful')).toThrow(/no commitment for training set of ResNet18 'imagenet_ful'; did you mean 'imagenet_full'/);
    expect(() => commitmentFor(table, 'ResNet18', 'imagenet_full', 7)).toThrow(/no commitment for seed of ResNet18\/imagenet_full 'seed-7'/);
  });

  it('refuses malformed entries, naming the path inside the file', () => {
    expect(() => parseCommitments({ Net: { data: { 'seed-0': { region2layer: { V1: 'a', V2: 'b', V4: 'c' }, behavioral_readout_layer: 'x' } } } }, 'c.json')).toThrow(
      'c.json: Net/data/seed-0/region2layer/IT must be a layer name (a non-empty string)',
    );
    expect(() => parseCommitments([], 'c.json')).toThrow('c.json: the top level must be an object');
  });
});
