import { describe, expect, it } from 'vitest';
import { REGIONS, type Region } from '@vvs/core';
import { SYNTHETIC_GENERATOR_COMMITMENT, SYNTHETIC_GENERATORS, SYNTHETIC_MODEL, syntheticNeuralData } from '../src/index.ts';

describe('the synthetic suite', () => {
  it('generates every target from one built-in model, the regions from successive layers', () => {
    expect(Object.keys(SYNTHETIC_GENERATORS)).toEqual([...REGIONS, 'behavior']);
    for (const generator of Object.values(SYNTHETIC_GENERATORS)) expect(generator.model).toBe(SYNTHETIC_MODEL);
    expect(REGIONS.map((region) => SYNTHETIC_GENERATORS[region].layer)).toEqual(['stage1', 'stage2', 'stage3', 'stage4']);
    for (const region of REGIONS) expect(SYNTHETIC_GENERATOR_COMMITMENT.regionLayer[region]).toBe(SYNTHETIC_GENERATORS[region].layer);
    expect(SYNTHETIC_GENERATOR_COMMITMENT.behavioralReadoutLayer).toBe(SYNTHETIC_GENERATORS.behavior.layer);
  });

  it('refuses a target that is not a region', async () => {
    await expect(syntheticNeuralData('behavior' as Region)).rejects.toThrow("region: expected one of V1, V2, V4, IT, got 'behavior'");
  });
});
