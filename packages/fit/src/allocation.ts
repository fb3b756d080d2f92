/**
 * Compute-optimal allocation of a fitted Chinchilla law (FIT-SEMANTICS §6; Hoffmann et al. 2022,
 * "Training Compute-Optimal Large Language Models", eq. 4 and Appendix D.2).
 *
 * Minimising L(N, D) = E + A·N^(−alpha) + B·D^(−beta) under a compute budget gives
 *   N_opt = G·K^a,  D_opt = K^b / G,  a = beta/(alpha + beta),  b = alpha/(alpha + beta),
 *   G = (alpha·A / (beta·B))^(1/(alpha + beta)),
 * where K is the budget expressed as the product N·D it buys. The seed and the paper use the SAME
 * a, b and G (the seed's §6 formula is eq. 4's); they differ in how compute maps to N·D:
 * - Chinchilla: C = 6·N·D (6 FLOPs per parameter per sample, forward + backward), so K = C/6.
 * - the seed: C ≈ m·(N·D)^n with m and n from a least-squares fit of log10 C on log10(N·D) over the
 *   fitted models, so K = (C/m)^(1/n) and N_opt = G·(C/m)^(a/n), D_opt = (C/m)^(b/n)/G.
 * Units follow the fit's scalers: N = n_params/1e5, D = n_samples_seen/1e4, C = FLOPs/(1e5·1e4);
 * in these units C = 6·N·D holds unchanged.
 */

/** Linear-space parameters of a fitted Chinchilla law (`chinchillaLSE.convert(...)`). */
export interface ChinchillaParams {
  E?: number;
  A: number;
  alpha: number;
  B: number;
  beta: number;
}

/** Which compute model turns a budget C into the product N·D (see the module comment). */
export type AllocationConvention = 'seed' | 'chinchilla';

/** FLOPs per parameter per training sample in Chinchilla's C = 6·N·D (forward 2, backward 4). */
export const CHINCHILLA_FLOPS_PER_PARAMETER_SAMPLE = 6;

/** Compute model C ≈ m·(N·D)^n. */
export interface ComputeRelation {
  /** Multiplier m (intercept 10^(log10 m)). */
  m: number;
  /** Exponent n (slope in log10–log10). */
  n: number;
}

/**
 * Least squares of log10 C on log10(N·D), as the seed does for §6: returns m = 10^intercept and
 * n = slope of C ≈ m·(N·D)^n.
 *
 * @param n - parameters per model (scaled, N = n_params/1e5).
 * @param d - samples seen per model (scaled, D = n_samples_seen/1e4).
 * @param c - compute per model (scaled, FLOPs/1e9).
 * @throws RangeError for mismatched lengths, fewer than two points, non-positive values, or when all
 *   N·D are equal (no slope).
 * @example
 * fitComputeRelation(Float64Array.of(1, 10), Float64Array.of(1, 10), Float64Array.of(3, 300)); // { m: 3, n: 1 }
 */
export function fitComputeRelation(n: Float64Array, d: Float64Array, c: Float64Array): ComputeRelation {
  const len = n.length;
  if (d.length !== len || c.length !== len) {
    throw new RangeError(`n, d, c: expected equal lengths, got ${len}, ${d.length}, ${c.length}`);
  }
  if (len < 2) throw new RangeError(`n, d, c: expected at least two models, got ${len}`);
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < len; i++) {
    if (!(n[i] > 0 && d[i] > 0 && c[i] > 0)) {
      throw new RangeError(`n, d, c [${i}]: expected positive values, got ${n[i]}, ${d[i]}, ${c[i]}`);
    }
    sx += Math.log10(n[i] * d[i]);
    sy += Math.log10(c[i]);
  }
  const mx = sx / len;
  const my = sy / len;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < len; i++) {
    const dx = Math.log10(n[i] * d[i]) - mx;
    sxx += dx * dx;
    sxy += dx * (Math.log10(c[i]) - my);
  }
  if (sxx === 0) throw new RangeError('n, d: all products N·D are equal, the slope of log10 C is undefined');
  const slope = sxy / sxx;
  return { m: 10 ** (my - slope * mx), n: slope };
}

/** Options of {@link computeOptimalAllocation}. */
export interface AllocationOptions {
  /** 'seed' (default): C ≈ m·(N·D)^n from `relation` or from `n`, `d`, `c`; 'chinchilla': C = 6·N·D. */
  convention?: AllocationConvention;
  /** The seed's compute model, when already known. */
  relation?: ComputeRelation;
  /** Per-model N, D, C to fit the seed's compute model ({@link fitComputeRelation}). */
  n?: Float64Array;
  d?: Float64Array;
  c?: Float64Array;
}

/** Compute-optimal allocation of a Chinchilla law. */
export interface Allocation {
  /** Share of compute growth going to parameters: beta/(alpha + beta). */
  a: number;
  /** Share going to samples: alpha/(alpha + beta). */
  b: number;
  /** G = (alpha·A/(beta·B))^(1/(alpha + beta)). */
  G: number;
  /** Compute model used (m = 6, n = 1 for the Chinchilla convention). */
  relation: ComputeRelation;
  /** Optimal N for a budget C (scaled units). */
  nOpt(C: number): number;
  /** Optimal D for a budget C (scaled units). */
  dOpt(C: number): number;
}

/**
 * Compute-optimal N and D for a fitted Chinchilla law (Hoffmann et al. 2022, eq. 4, with the seed's
 * empirical compute model by default; see the module comment).
 *
 * @throws RangeError when alpha + beta ≤ 0 or a parameter is not finite, or when the seed convention
 *   has neither `relation` nor `n`, `d`, `c`.
 * @example
 * const alloc = computeOptimalAllocation({ A: 1, alpha: 0.5, B: 1, beta: 0.5 }, { convention: 'chinchilla' });
 * alloc.a; // 0.5
 * alloc.nOpt(600); // G·(600/6)^0.5 = 10
 */
export function computeOptimalAllocation(params: ChinchillaParams, options: AllocationOptions = {}): Allocation {
  const { A, alpha, B, beta } = params;
  for (const [name, v] of Object.entries({ A, alpha, B, beta })) {
    if (!Number.isFinite(v)) throw new RangeError(`params.${name}: expected a finite number, got ${v}`);
  }
  if (!(alpha + beta > 0)) throw new RangeError(`params: expected alpha + beta > 0, got ${alpha + beta}`);
  const convention = options.convention ?? 'seed';
  let relation: ComputeRelation;
  if (convention === 'chinchilla') {
    relation = { m: CHINCHILLA_FLOPS_PER_PARAMETER_SAMPLE, n: 1 };
  } else if (options.relation !== undefined) {
    relation = options.relation;
  } else if (options.n !== undefined && options.d !== undefined && options.c !== undefined) {
    relation = fitComputeRelation(options.n, options.d, options.c);
  } else {
    throw new RangeError("options: the 'seed' convention needs `relation` or per-model `n`, `d`, `c`");
  }
  const a = beta / (alpha + beta);
  const b = alpha / (alpha + beta);
  const G = ((alpha * A) / (beta * B)) ** (1 / (alpha + beta));
  const { m, n } = relation;
  return {
    a,
    b,
    G,
    relation,
    nOpt: (C) => G * (C / m) ** (a / n),
    dOpt: (C) => (C / m) ** (b / n) / G,
  };
}
