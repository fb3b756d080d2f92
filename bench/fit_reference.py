"""The seed's scaling-law fit with plain numpy + scipy, for `pnpm bench:fit`.

Reads the data that bench/fit.ts selected (x = X / X_scaler and log(1 - S) of one experiment, as
float64 .npy files in DIR) and fits power_law_LSE as the seed does (FIT-SEMANTICS §4-§5):

    log(1 - S) ~ log(exp(a - alpha * log x) + exp(e))

minimising the SUM of Huber(delta = 1e-3) losses of the log-space residuals with
`scipy.optimize.minimize(method='BFGS')` (scipy's defaults; the analytic gradient is passed with
`jac=True`) from each of the 150 starts of the grid e x a x alpha in `itertools.product` order,
keeping the lowest final loss. Then the bootstrap: `np.random.default_rng(42).integers(0, n,
size=(N, n))`, row i being resample i, each resample refitted from all 150 starts, on a
`multiprocessing.Pool` of W single-threaded processes.

Prints one JSON line: wall seconds (from the first line of this script, so the numpy/scipy imports
count, to the summary; and the point fit alone), the point fit's loss and parameters, and the
2.5/50/97.5 percentiles (numpy's linear ones) of alpha, E = exp(e) and A = exp(a) over the resamples.

Usage: /usr/bin/python3 bench/fit_reference.py DIR [--resamples N] [--workers W]
"""
import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import warnings  # noqa: E402

# One core per process: the pool's processes are the only parallelism, as vvs's worker threads are.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import multiprocessing  # noqa: E402

import numpy as np  # noqa: E402
from scipy.optimize import minimize  # noqa: E402
from scipy.special import huber  # noqa: E402

# The seed's fitting parameters for the compute experiments (fit-configs/compute/*.yaml).
DELTA = 1e-3
GRID = {
    "e": [-1.0, -0.5, 0.0, 0.5, 1.0],
    "a": [0.0, 5.0, 10.0, 15.0, 20.0, 25.0],
    "alpha": [0.0, 0.5, 1.0, 1.5, 2.0],
}
STARTS = [np.array(start) for start in itertools.product(*GRID.values())]
SEED = 42
PERCENTILES = [2.5, 50, 97.5]


def objective(params, log_x, log_y):
    """Sum of Huber losses of r = log(exp(a - alpha log x) + exp(e)) - log(1 - S), and its gradient."""
    e, a, alpha = params
    u = a - alpha * log_x
    pred = np.logaddexp(u, e)
    r = pred - log_y
    # d huber / d r is r clipped to [-delta, delta]; the softmax weights are d pred / d (u, e).
    slope = np.clip(r, -DELTA, DELTA)
    w_u = np.exp(u - pred)
    w_e = np.exp(e - pred)
    grad = np.array([slope @ w_e, slope @ w_u, -(slope * w_u) @ log_x])
    return huber(DELTA, r).sum(), grad


def fit(log_x, log_y):
    """BFGS from every start of the grid; the lowest finite final loss wins (the first on ties)."""
    best = None
    for start in STARTS:
        result = minimize(objective, start, args=(log_x, log_y), jac=True, method="BFGS")
        if np.isfinite(result.fun) and (best is None or result.fun < best.fun):
            best = result
    return best.x, float(best.fun)


# Each pool process inherits the data through fork; a task sends only its resample's row indices.
_LOG_X = None
_LOG_Y = None


def _init(log_x, log_y):
    global _LOG_X, _LOG_Y
    _LOG_X, _LOG_Y = log_x, log_y


def _fit_resample(rows):
    params, _ = fit(_LOG_X[rows], _LOG_Y[rows])
    return params


def percentile_summary(values):
    low, median, high = np.percentile(values, PERCENTILES)
    return {"p2.5": low, "p50": median, "p97.5": high}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", help="folder with x.npy and log_y.npy (float64, one value per data point)")
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    log_x = np.log(np.load(os.path.join(args.dir, "x.npy")))
    log_y = np.load(os.path.join(args.dir, "log_y.npy"))
    n = log_y.shape[0]

    # BFGS from far starts overflows exp harmlessly in its line searches; the seed silences warnings too.
    np.seterr(all="ignore")
    warnings.simplefilter("ignore")
    point_started = time.perf_counter()
    params, loss = fit(log_x, log_y)
    point_seconds = time.perf_counter() - point_started

    resamples = np.random.default_rng(SEED).integers(0, n, size=(args.resamples, n))
    with multiprocessing.get_context("fork").Pool(args.workers, initializer=_init, initargs=(log_x, log_y)) as pool:
        # Small chunks keep both processes busy to the end (refits differ in cost).
        fits = np.array(pool.map(_fit_resample, resamples, chunksize=4))
    e, a, alpha = fits.T
    print(json.dumps({
        "seconds": time.perf_counter() - STARTED,
        "point_fit_seconds": point_seconds,
        "n": int(n),
        "loss": loss,
        "params": dict(zip(GRID, params.tolist())),
        "resamples": int(fits.shape[0]),
        "workers": args.workers,
        "bootstrap": {
            "alpha": percentile_summary(alpha),
            "E": percentile_summary(np.exp(e)),
            "A": percentile_summary(np.exp(a)),
        },
    }))


if __name__ == "__main__":
    main()
