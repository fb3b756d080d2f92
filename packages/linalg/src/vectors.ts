/** Level-1 BLAS on float64 vectors, for the iterative solvers' inner loops. */

/** `a·b`. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** `y += alpha·x`, in place (BLAS `daxpy`). */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += alpha * x[i];
}

/** `x *= alpha`, in place (BLAS `dscal`). */
export function scale(alpha: number, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] *= alpha;
}

/** Euclidean norm ‖a‖. */
export function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}
