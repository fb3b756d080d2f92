/**
 * Types for the `lib/index.js` entry points of the @stdlib/stats functions used here.
 *
 * stdlib publishes each function as a directory (`…/normal/quantile`) whose package.json names
 * its `main` and `types`. TypeScript and bundlers resolve such a directory, but Node's ES-module
 * loader (and tsx) refuse directory imports, so the code imports the `lib/index.js` file and these
 * declarations give that file the directory's published types.
 */
declare module '@stdlib/stats/base/dists/normal/quantile/lib/index.js' {
  import quantile = require('@stdlib/stats/base/dists/normal/quantile');
  export = quantile;
}

declare module '@stdlib/stats/base/dists/levy/quantile/lib/index.js' {
  import quantile = require('@stdlib/stats/base/dists/levy/quantile');
  export = quantile;
}
