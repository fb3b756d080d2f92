/**
 * The numbers to reproduce from model-vs-human's data, read at run time from
 * `reference/mvh/EXPECTED.md` (so no test restates them).
 */
import { readFileSync } from 'node:fs';
import { sharedPath } from './index.ts';

/** The four columns of model-vs-human's benchmark table. */
export interface MvhTableRow {
  accuracyDifference: number;
  observedConsistency: number;
  errorConsistency: number;
  oodAccuracy: number;
}

/** What EXPECTED.md asks to reproduce. */
export interface MvhExpected {
  /** ResNet-50's row at full precision (the bracketed values). */
  resnet50: MvhTableRow;
  /** ResNet-50's error consistency per dataset. */
  resnet50ErrorConsistency: Record<string, number>;
  /** The human–human average error consistency at full precision. */
  humanHuman: number;
  /** The kept conditions per parametric dataset, in pandas-label form. */
  keptConditions: Record<string, string[]>;
}

const number = (text: string) => Number(text.trim());

/**
 * Parses `reference/mvh/EXPECTED.md`.
 *
 * @example
 * mvhExpected().resnet50.errorConsistency; // the published .208 at full precision
 */
export function mvhExpected(): MvhExpected {
  const text = readFileSync(sharedPath('reference/mvh/EXPECTED.md'), 'utf8');
  const row = /\| \.\d+ \(([\d.]+)\) \| \.\d+ \(([\d.]+)\) \| \.\d+ \(([\d.]+)\) \| \.\d+ \(([\d.]+)\) \|/.exec(text);
  const humanHuman = /Human–human average error consistency over the 17 datasets: \*\*[\d.]+\*\* \(([\d.]+)\)/.exec(text);
  if (!row || !humanHuman) throw new Error('EXPECTED.md: the ResNet-50 row or the human–human value is not where it was');
  const resnet50ErrorConsistency: Record<string, number> = {};
  for (const [, dataset, value] of text.matchAll(/^\| ([\w-]+) \| (0\.\d+) \|$/gm)) resnet50ErrorConsistency[dataset] = number(value);
  const keptConditions: Record<string, string[]> = {};
  for (const [, dataset, kept] of text.matchAll(/^\| ([\w-]+) \| [^|]+ \| [^|]+ \| ([^|]+) \|$/gm)) {
    if (dataset === 'dataset' || dataset.startsWith('-') || kept.includes('all trials')) continue;
    // "2, 4, 8 (-0-10)": a shared suffix written once.
    const suffix = /^(.*) \((-[^)]+)\)\s*$/.exec(kept.trim());
    const labels = (suffix ? suffix[1] : kept).split(',').map((s) => s.trim());
    keptConditions[dataset] = suffix ? labels.map((l) => `${l}${suffix[2]}`) : labels;
  }
  return {
    resnet50: { accuracyDifference: number(row[1]), observedConsistency: number(row[2]), errorConsistency: number(row[3]), oodAccuracy: number(row[4]) },
    resnet50ErrorConsistency,
    humanHuman: number(humanHuman[1]),
    keptConditions,
  };
}
