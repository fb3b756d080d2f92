import { describe, expect, it } from 'vitest';
import { matrix } from '@vvs/linalg';
import { expectAllClose, seededValues } from '@vvs/test-utils';
import { LogisticRegression, StandardScaler } from '../src/index.ts';

// A seeded problem: 60 × 8 training features, three string classes, 10 test rows.
const X = matrix(60, 8, seededValues(60 * 8, 11));
const Xtest = matrix(10, 8, seededValues(10 * 8, 12));
const labels = Array.from({ length: 60 }, (_, i) => ['cat', 'dog', 'ant'][(i * 7 + Math.floor(X.data[i * 8] * 10 + 5)) % 3]);

/*
 * Expected values: scikit-learn 1.2.1 (Debian python3-sklearn) on exactly these arrays —
 * StandardScaler().fit(X); LogisticRegression(multi_class='multinomial', C=C, solver='newton-cg',
 * tol=1e-14, max_iter=100000).fit(scaler.transform(X), labels); predict_proba(scaler.transform(Xtest))[:3]
 * and intercept_. The objective is strictly convex, so a converged solver must land on the same
 * point. (sklearn's lbfgs stops on its `ftol = 64·eps` rule some 1e-6 short of it, so it is not the
 * reference.)
 */
const SKLEARN = {
  scalerMean: [-0.0015687139394382635, -0.04416873729787767],
  scalerScale: [0.29800017271173196, 0.2648523277213965],
  1e-3: {
    proba: [
      [0.389480233335309, 0.267291602542084, 0.343228164122606],
      [0.378956484791629, 0.265209752390121, 0.355833762818251],
      [0.380780075841287, 0.267300515863802, 0.351919408294912],
    ],
    intercept: [0.1512791403542404, -0.21156652008495183, 0.060287379730711216],
  },
  1: {
    proba: [
      [0.607284907489978, 0.255144359725425, 0.137570732784597],
      [0.33629875115947, 0.157061966453908, 0.506639282386621],
      [0.217052247310769, 0.33405789398447, 0.44888985870476],
    ],
    intercept: [0.1220381930996232, -0.16054734978609522, 0.03850915668647231],
  },
} as const;

describe('StandardScaler', () => {
  it("matches scikit-learn's mean and scale (ddof 0)", () => {
    const scaler = new StandardScaler().fit(X);
    expectAllClose(scaler.mean!.subarray(0, 2), SKLEARN.scalerMean, { rtol: 1e-12 }, 'mean');
    expectAllClose(scaler.scale!.subarray(0, 2), SKLEARN.scalerScale, { rtol: 1e-12 }, 'scale');
  });
});

describe('LogisticRegression (multinomial)', () => {
  const scaler = new StandardScaler().fit(X);
  const Z = scaler.transform(X);
  const Zt = scaler.transform(Xtest);

  it.each([1e-3, 1] as const)('C = %s: probabilities and intercepts equal the converged scikit-learn optimum to 1e-9', async (C) => {
    const clf = await new LogisticRegression({ C }).fit(Z, labels);
    expect(clf.classes).toEqual(['ant', 'cat', 'dog']);
    const P = await clf.predictProba(Zt);
    expectAllClose(Array.from(P.data.subarray(0, 9)), SKLEARN[C].proba.flat(), { atol: 1e-9 }, 'probabilities');
    expectAllClose(clf.intercept!, SKLEARN[C].intercept, { atol: 1e-9 }, 'intercept');
    for (let i = 0; i < P.rows; i++) expect(P.data[i * 3] + P.data[i * 3 + 1] + P.data[i * 3 + 2]).toBeCloseTo(1, 12);
  });

  it('refuses a single class and a non-positive C', async () => {
    await expect(new LogisticRegression().fit(Z, Array(60).fill('a'))).rejects.toThrow(/at least 2 classes/);
    expect(() => new LogisticRegression({ C: 0 })).toThrow(/C must be > 0/);
  });
});
