export type { Matrix, MatrixLike } from './matrix.ts';
export { matrix, fromRows, toRows, takeRows, transpose, columnMeans, addToRows } from './matrix.ts';
export { matmul, matmulSync, matvec, centeredGram } from './products.ts';
export { inverse, pinv, solveSymmetricPositiveDefinite } from './solve.ts';
export { inMemorySource, isFeatureSource, selectRows, readColumns, readRows, checkRead } from './feature-source.ts';
export type { FeatureSource } from './feature-source.ts';
export { choleskySolve } from './cholesky.ts';
export { dot, axpy, scale, norm } from './vectors.ts';
export { symmetricEigen } from './eigen.ts';
