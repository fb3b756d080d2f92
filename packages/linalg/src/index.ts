export type { Matrix } from './matrix.ts';
export { matrix, fromRows, toRows, takeRows, transpose, columnMeans } from './matrix.ts';
