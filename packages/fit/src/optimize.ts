/**
 * BFGS with a strong-Wolfe line search, after `scipy.optimize.minimize(method='BFGS')`
 * (scipy/optimize/_optimize.py `_minimize_bfgs`, _linesearch.py `line_search_wolfe1/2`,
 * _dcsrch.py): the optimiser the seed runs from every start of its grid (FIT-SEMANTICS §5).
 *
 * The seed lets scipy differentiate by forward finite differences; here the gradient is analytic,
 * so iterates differ in the last digits, but the algorithm (identity start, inverse-Hessian update,
 * MINPACK-2 `dcsrch` line search with the Nocedal–Wright zoom as fallback, same constants and
 * stopping rules) is scipy's, and from the same start it lands in the same minimum.
 */
import type { ObjectiveWithGradient } from './huber.ts';

/** Sufficient-decrease (Armijo) constant of scipy's BFGS line search. */
const WOLFE_C1 = 1e-4;
/** Curvature constant of scipy's BFGS line search. */
const WOLFE_C2 = 0.9;
/** Smallest and largest step `_minimize_bfgs` allows the line search (`amin`, `amax`). */
const STEP_MIN = 1e-100;
const STEP_MAX = 1e100;
/** Relative width at which `dcsrch` stops narrowing a bracket (`xtol` of `line_search_wolfe1`). */
const DCSRCH_XTOL = 1e-14;
/** Iteration caps of `scalar_search_wolfe1` (dcsrch), `scalar_search_wolfe2` and its `_zoom`. */
const DCSRCH_MAX_ITER = 100;
const WOLFE2_MAX_ITER = 10;
const ZOOM_MAX_ITER = 10;
/** `_zoom`'s safeguards: reject cubic (quadratic) minimisers this close, relative, to an end. */
const ZOOM_CUBIC_CHECK = 0.2;
const ZOOM_QUAD_CHECK = 0.1;
/** What `_minimize_bfgs` takes as ρ when yᵀs is exactly 0 ("rhok assumed large"). */
const RHO_WHEN_CURVATURE_ZERO = 1000;

/** Options of {@link bfgs}, with scipy's defaults. */
export interface BfgsOptions {
  /** Stop when the largest |gradient component| is at most this (scipy `gtol`, default 1e-5). */
  gtol?: number;
  /** Iteration cap (scipy `maxiter`, default 200 × number of parameters). */
  maxIter?: number;
}

/**
 * Why {@link bfgs} stopped, scipy's `warnflag` 0–3: gradient test met, iteration cap, no acceptable
 * step or a non-finite objective (scipy: "precision loss"), NaN in the result.
 */
export type BfgsStatus = 'converged' | 'max-iterations' | 'precision-loss' | 'non-finite';

/** Result of {@link bfgs}. */
export interface BfgsResult {
  /** Final point. */
  x: Float64Array;
  /** Objective at `x`. */
  fun: number;
  /** Gradient at `x`. */
  grad: Float64Array;
  /** Iterations done (scipy `nit`). */
  nIter: number;
  /** Objective evaluations, the start included (each also computes the gradient). */
  nEval: number;
  /** True when scipy would report `success` (gradient test met, or a zero step). */
  converged: boolean;
  status: BfgsStatus;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

/**
 * φ(s) = f(xk + s·pk) and φ′(s) = ∇f(xk + s·pk)·pk, evaluated together and cached for the last s,
 * since both searches ask for φ′ right after φ at the same step.
 */
class LineFunction {
  readonly xt: Float64Array;
  readonly gt: Float64Array;
  xk!: Float64Array;
  pk!: Float64Array;
  step = Number.NaN;
  value = Number.NaN;
  slope = Number.NaN;
  nEval = 0;

  constructor(private readonly f: ObjectiveWithGradient, n: number) {
    this.xt = new Float64Array(n);
    this.gt = new Float64Array(n);
  }

  reset(xk: Float64Array, pk: Float64Array): void {
    this.xk = xk;
    this.pk = pk;
    this.step = Number.NaN;
  }

  at(s: number): void {
    if (s === this.step) return;
    const { xt, xk, pk } = this;
    for (let i = 0; i < xt.length; i++) xt[i] = xk[i] + s * pk[i];
    this.value = this.f(xt, this.gt);
    this.slope = dot(this.gt, pk);
    this.step = s;
    this.nEval++;
  }

  phi(s: number): number {
    this.at(s);
    return this.value;
  }

  derphi(s: number): number {
    this.at(s);
    return this.slope;
  }
}

/** Result of one safeguarded step of `dcstep` (MINPACK-2), the bracket update included. */
interface StepState {
  stx: number;
  fx: number;
  dx: number;
  sty: number;
  fy: number;
  dy: number;
  stp: number;
  brackt: boolean;
}

/**
 * MINPACK-2 `dcstep` (Moré & Thuente 1994) as ported in scipy/optimize/_dcsrch.py: picks the next
 * trial step from cubic/quadratic/secant interpolants and updates the interval of uncertainty.
 */
function dcstep(s: StepState, fp: number, dp: number, stpmin: number, stpmax: number): void {
  const { stx, fx, dx, sty, fy, dy, stp } = s;
  const sgnd = Math.sign(dp) * Math.sign(dx);
  let stpf: number;
  if (fp > fx) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dx / sc) * (dp / sc));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const stpc = stx + (p / q) * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) <= Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    s.brackt = true;
  } else if (sgnd < 0) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dx / sc) * (dp / sc));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const stpc = stp + (p / q) * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    s.brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt(Math.max(0, (theta / sc) ** 2 - (dx / sc) * (dp / sc)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
    else if (stp > stx) stpc = stpmax;
    else stpc = stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (s.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      stpf = stp > stx ? Math.min(stp + 0.66 * (sty - stp), stpf) : Math.max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.min(stpmax, Math.max(stpmin, stpf));
    }
  } else if (s.brackt) {
    const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dy / sc) * (dp / sc));
    if (stp > sty) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dy;
    stpf = stp + (p / q) * (sty - stp);
  } else {
    stpf = stp > stx ? stpmax : stpmin;
  }
  if (fp > fx) {
    s.sty = stp;
    s.fy = fp;
    s.dy = dp;
  } else {
    if (sgnd < 0) {
      s.sty = stx;
      s.fy = fx;
      s.dy = dx;
    }
    s.stx = stp;
    s.fx = fp;
    s.dx = dp;
  }
  s.stp = stpf;
}

/**
 * scipy's `scalar_search_wolfe1`: the MINPACK-2 `dcsrch` search for a step satisfying the strong
 * Wolfe conditions. Returns the step, or NaN when dcsrch ends on an error or warning (scipy's None).
 */
function searchDcsrch(line: LineFunction, alpha1: number, phi0: number, derphi0: number): number {
  // START: dcsrch's argument checks; any failure is an error, i.e. no step.
  if (alpha1 < STEP_MIN || alpha1 > STEP_MAX || derphi0 >= 0) return Number.NaN;
  const gtest = WOLFE_C1 * derphi0;
  let width = STEP_MAX - STEP_MIN;
  let width1 = width / 0.5;
  const st: StepState = { stx: 0, fx: phi0, dx: derphi0, sty: 0, fy: phi0, dy: derphi0, stp: alpha1, brackt: false };
  let stage = 1;
  let stmin = 0;
  let stmax = alpha1 + 4 * alpha1;
  let stp = alpha1;
  // Iteration 0 of scipy's loop is the START call; each later one evaluates the trial step.
  for (let iter = 1; iter < DCSRCH_MAX_ITER; iter++) {
    if (!Number.isFinite(stp)) return Number.NaN;
    const f = line.phi(stp);
    const g = line.derphi(stp);
    const ftest = phi0 + stp * gtest;
    if (stage === 1 && f <= ftest && g >= 0) stage = 2;
    let warning = false;
    if (st.brackt && (stp <= stmin || stp >= stmax)) warning = true;
    if (st.brackt && stmax - stmin <= DCSRCH_XTOL * stmax) warning = true;
    if (stp === STEP_MAX && f <= ftest && g <= gtest) warning = true;
    if (stp === STEP_MIN && (f > ftest || g >= gtest)) warning = true;
    if (f <= ftest && Math.abs(g) <= WOLFE_C2 * -derphi0) return stp;
    if (warning) return Number.NaN;

    st.stp = stp;
    if (stage === 1 && f <= st.fx && f > ftest) {
      // Modified function ψ(s) = φ(s) − φ(0) − s·c1·φ′(0) while no step has met sufficient decrease.
      const fx = st.fx;
      const fy = st.fy;
      const gx = st.dx;
      const gy = st.dy;
      st.fx = fx - st.stx * gtest;
      st.fy = fy - st.sty * gtest;
      st.dx = gx - gtest;
      st.dy = gy - gtest;
      dcstep(st, f - stp * gtest, g - gtest, stmin, stmax);
      st.fx += st.stx * gtest;
      st.fy += st.sty * gtest;
      st.dx += gtest;
      st.dy += gtest;
    } else {
      dcstep(st, f, g, stmin, stmax);
    }
    stp = st.stp;
    if (st.brackt) {
      if (Math.abs(st.sty - st.stx) >= 0.66 * width1) stp = st.stx + 0.5 * (st.sty - st.stx);
      width1 = width;
      width = Math.abs(st.sty - st.stx);
      stmin = Math.min(st.stx, st.sty);
      stmax = Math.max(st.stx, st.sty);
    } else {
      stmin = stp + 1.1 * (stp - st.stx);
      stmax = stp + 4 * (stp - st.stx);
    }
    stp = Math.min(STEP_MAX, Math.max(STEP_MIN, stp));
    if (st.brackt && (stp <= stmin || stp >= stmax || stmax - stmin <= DCSRCH_XTOL * stmax)) stp = st.stx;
  }
  return Number.NaN;
}

/** `_cubicmin`: minimiser of the cubic through (a, fa, fpa), (b, fb), (c, fc); NaN when undefined. */
function cubicMin(a: number, fa: number, fpa: number, b: number, fb: number, c: number, fc: number): number {
  const db = b - a;
  const dc = c - a;
  const denom = (db * dc) ** 2 * (db - dc);
  const r1 = fb - fa - fpa * db;
  const r2 = fc - fa - fpa * dc;
  const A = (dc * dc * r1 - db * db * r2) / denom;
  const B = (-(dc ** 3) * r1 + db ** 3 * r2) / denom;
  const radical = B * B - 3 * A * fpa;
  if (denom === 0 || A === 0 || radical < 0) return Number.NaN;
  const xmin = a + (-B + Math.sqrt(radical)) / (3 * A);
  return Number.isFinite(xmin) ? xmin : Number.NaN;
}

/** `_quadmin`: minimiser of the quadratic through (a, fa, fpa), (b, fb); NaN when undefined. */
function quadMin(a: number, fa: number, fpa: number, b: number, fb: number): number {
  const db = b - a;
  const B = (fb - fa - fpa * db) / (db * db);
  if (db === 0 || B === 0) return Number.NaN;
  const xmin = a - fpa / (2 * B);
  return Number.isFinite(xmin) ? xmin : Number.NaN;
}

/** scipy's `_zoom` (Nocedal & Wright, Algorithm 3.6): narrows [a_lo, a_hi] to a strong-Wolfe step. */
function zoom(
  line: LineFunction,
  aLo: number,
  aHi: number,
  phiLo: number,
  phiHi: number,
  derphiLo: number,
  phi0: number,
  derphi0: number,
): number {
  let phiRec = phi0;
  let aRec = 0;
  for (let i = 0; i <= ZOOM_MAX_ITER; i++) {
    const dalpha = aHi - aLo;
    const lo = dalpha < 0 ? aHi : aLo;
    const hi = dalpha < 0 ? aLo : aHi;
    let aj = Number.NaN;
    if (i > 0) {
      const cchk = ZOOM_CUBIC_CHECK * dalpha;
      aj = cubicMin(aLo, phiLo, derphiLo, aHi, phiHi, aRec, phiRec);
      if (aj > hi - cchk || aj < lo + cchk) aj = Number.NaN;
    }
    if (Number.isNaN(aj)) {
      const qchk = ZOOM_QUAD_CHECK * dalpha;
      aj = quadMin(aLo, phiLo, derphiLo, aHi, phiHi);
      if (Number.isNaN(aj) || aj > hi - qchk || aj < lo + qchk) aj = aLo + 0.5 * dalpha;
    }
    const phiJ = line.phi(aj);
    if (phiJ > phi0 + WOLFE_C1 * aj * derphi0 || phiJ >= phiLo) {
      phiRec = phiHi;
      aRec = aHi;
      aHi = aj;
      phiHi = phiJ;
    } else {
      const derphiJ = line.derphi(aj);
      if (Math.abs(derphiJ) <= -WOLFE_C2 * derphi0) return aj;
      if (derphiJ * (aHi - aLo) >= 0) {
        phiRec = phiHi;
        aRec = aHi;
        aHi = aLo;
        phiHi = phiLo;
      } else {
        phiRec = phiLo;
        aRec = aLo;
      }
      aLo = aj;
      phiLo = phiJ;
      derphiLo = derphiJ;
    }
  }
  return Number.NaN;
}

/**
 * scipy's `scalar_search_wolfe2` (Nocedal & Wright, Algorithm 3.5), the fallback when dcsrch fails.
 * Returns the step, or NaN when it finds none (scipy's None).
 */
function searchWolfe2(line: LineFunction, alpha1: number, phi0: number, derphi0: number): number {
  let alpha0 = 0;
  alpha1 = Math.min(alpha1, STEP_MAX);
  let phiA1 = line.phi(alpha1);
  let phiA0 = phi0;
  let derphiA0 = derphi0;
  for (let i = 0; i < WOLFE2_MAX_ITER; i++) {
    if (alpha1 === 0 || alpha0 > STEP_MAX) return Number.NaN;
    if (phiA1 > phi0 + WOLFE_C1 * alpha1 * derphi0 || (phiA1 >= phiA0 && i > 0)) {
      return zoom(line, alpha0, alpha1, phiA0, phiA1, derphiA0, phi0, derphi0);
    }
    const derphiA1 = line.derphi(alpha1);
    if (Math.abs(derphiA1) <= -WOLFE_C2 * derphi0) return alpha1;
    if (derphiA1 >= 0) return zoom(line, alpha1, alpha0, phiA1, phiA0, derphiA1, phi0, derphi0);
    const alpha2 = Math.min(2 * alpha1, STEP_MAX);
    alpha0 = alpha1;
    alpha1 = alpha2;
    phiA0 = phiA1;
    phiA1 = line.phi(alpha1);
    derphiA0 = derphiA1;
  }
  // scipy accepts the last step when the loop runs out, with a warning.
  return alpha1;
}

/**
 * Minimises a smooth function with BFGS, reproducing `scipy.optimize.minimize(f, x0, jac=grad,
 * method='BFGS')`: inverse-Hessian approximation started at the identity, search direction
 * −H·∇f, a strong-Wolfe line search (c1 = 1e-4, c2 = 0.9; MINPACK-2 dcsrch first, scipy's zoom
 * search if that fails), the first trial step min(1, 1.01·2·(f_k − f_{k−1})/φ′(0)) with
 * f_{−1} = f_0 + ‖∇f_0‖/2, and the update H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ. Stops when
 * max|∇f| ≤ gtol, after maxIter iterations, when no step is found, or when f is not finite.
 *
 * @param f - returns f(x) and writes ∇f(x) into its second argument; it must not keep `x`.
 * @param x0 - start (not modified).
 * @param options - `gtol` (1e-5) and `maxIter` (200·n), scipy's defaults.
 * @throws RangeError when x0 is empty or not finite.
 * @example
 * const rosen = (x: Float64Array, g: Float64Array) => {
 *   g[0] = -2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2);
 *   g[1] = 200 * (x[1] - x[0] ** 2);
 *   return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2;
 * };
 * bfgs(rosen, Float64Array.of(-1.2, 1)).x; // ≈ [1, 1]
 */
export function bfgs(f: ObjectiveWithGradient, x0: ArrayLike<number>, options: BfgsOptions = {}): BfgsResult {
  const n = x0.length;
  if (n === 0) throw new RangeError('x0: expected at least one parameter');
  const gtol = options.gtol ?? 1e-5;
  const maxIter = options.maxIter ?? 200 * n;
  const xk = Float64Array.from(x0);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xk[i])) throw new RangeError(`x0[${i}]: expected a finite number, got ${xk[i]}`);
  }
  const gk = new Float64Array(n);
  const pk = new Float64Array(n);
  const sk = new Float64Array(n);
  const yk = new Float64Array(n);
  const hy = new Float64Array(n);
  const yh = new Float64Array(n);
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) H[i * n + i] = 1;
  const line = new LineFunction(f, n);

  let fk = f(xk, gk);
  let nEval = 1;
  let fPrev = fk + Math.sqrt(dot(gk, gk)) / 2;
  let gnorm = maxAbs(gk);
  let k = 0;
  let status: BfgsStatus = 'converged';
  while (gnorm > gtol && k < maxIter) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s -= H[i * n + j] * gk[j];
      pk[i] = s;
    }
    const derphi0 = dot(gk, pk);
    let alpha1 = 1;
    if (derphi0 !== 0) {
      alpha1 = Math.min(1, (1.01 * 2 * (fk - fPrev)) / derphi0);
      if (alpha1 < 0) alpha1 = 1;
    }
    line.reset(xk, pk);
    let alpha = searchDcsrch(line, alpha1, fk, derphi0);
    if (Number.isNaN(alpha)) alpha = searchWolfe2(line, alpha1, fk, derphi0);
    nEval += line.nEval;
    line.nEval = 0;
    if (Number.isNaN(alpha)) {
      status = 'precision-loss';
      break;
    }
    line.at(alpha);
    nEval += line.nEval;
    line.nEval = 0;
    for (let i = 0; i < n; i++) {
      sk[i] = alpha * pk[i];
      xk[i] = line.xt[i];
      yk[i] = line.gt[i] - gk[i];
      gk[i] = line.gt[i];
    }
    fPrev = fk;
    fk = line.value;
    k++;
    gnorm = maxAbs(gk);
    if (gnorm <= gtol) break;
    // scipy's `xrtol` test with its default 0: stop (successfully) only on a zero step.
    if (alpha * maxAbs(pk) <= 0) break;
    if (!Number.isFinite(fk)) {
      status = 'precision-loss';
      break;
    }
    const ys = dot(yk, sk);
    const rho = ys === 0 ? RHO_WHEN_CURVATURE_ZERO : 1 / ys;
    // H' = H − ρ·(H y) sᵀ − ρ·s (yᵀH) + (ρ²·yᵀHy + ρ)·s sᵀ, the expansion of scipy's A1·H·A2 + ρ s sᵀ.
    let yHy = 0;
    for (let i = 0; i < n; i++) {
      let a = 0;
      let b = 0;
      for (let j = 0; j < n; j++) {
        a += H[i * n + j] * yk[j];
        b += yk[j] * H[j * n + i];
      }
      hy[i] = a;
      yh[i] = b;
      yHy += yk[i] * a;
    }
    const ssCoef = rho * rho * yHy + rho;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        H[i * n + j] += -rho * (hy[i] * sk[j] + sk[i] * yh[j]) + ssCoef * sk[i] * sk[j];
      }
    }
  }
  if (status === 'converged' && gnorm > gtol && k >= maxIter) status = 'max-iterations';
  if (status === 'converged' && (Number.isNaN(gnorm) || Number.isNaN(fk))) status = 'non-finite';
  return { x: xk, fun: fk, grad: gk, nIter: k, nEval, converged: status === 'converged', status };
}
