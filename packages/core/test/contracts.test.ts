import { describe, expect, it } from 'vitest';
import { BENCHMARK_TARGETS, REGIONS, isBenchmarkTarget, isRegion } from '../src/contracts/region.ts';

describe('regions and benchmark targets', () => {
  it('lists the ventral-stream regions in processing order, then behaviour', () => {
    expect(REGIONS).toEqual(['V1', 'V2', 'V4', 'IT']);
    expect(BENCHMARK_TARGETS).toEqual(['V1', 'V2', 'V4', 'IT', 'behavior']);
  });

  it('recognises regions and targets exactly, case-sensitively', () => {
    expect(REGIONS.every(isRegion)).toBe(true);
    expect(BENCHMARK_TARGETS.every(isBenchmarkTarget)).toBe(true);
    for (const notARegion of ['behavior', 'it', 'V3', ' IT', '', null, undefined, 4, ['IT']]) {
      expect(isRegion(notARegion), String(notARegion)).toBe(false);
    }
    for (const notATarget of ['behaviour', 'Behavior', 'V5', null, {}]) {
      expect(isBenchmarkTarget(notATarget), String(notATarget)).toBe(false);
    }
  });
});
