"""Brain-Score's neural predictivity and ceiling with plain scikit-learn + scipy, for `pnpm bench`.

Reads the problem that bench/run.ts wrote into DIR and prints one JSON line with the scores and the
wall time from reading the files to the final score. It follows Brain-Score step by step:
average repetitions per stimulus (stimuli sorted by id), StratifiedShuffleSplit(10, train_size=0.9,
random_state=1) over object labels, PLSRegression(n_components=25, scale=False) fitted on the training
stimuli in stimulus_id order, Pearson r per neuroid on the test stimuli, median over neuroids, mean
over splits; ceiling by ShuffleSplit(10, train_size=0.5, random_state=1) over repetitions,
Spearman-Brown-corrected split-half Pearson r, median over neuroids, mean over splits.

Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/sklearn_reference.py DIR
"""
import json
import sys
import time

import numpy as np
from scipy.stats import pearsonr
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit


def per_neuroid_r(a, b):
    return np.array([pearsonr(a[:, j], b[:, j])[0] for j in range(a.shape[1])])


def main(folder):
    started = time.perf_counter()
    features = np.load(f"{folder}/features.npy").astype(np.float64)
    responses = np.load(f"{folder}/responses.npy").astype(np.float64)
    stimulus = np.load(f"{folder}/stimulus_index.npy")
    repetition = np.load(f"{folder}/repetition.npy")
    with open(f"{folder}/labels.json") as f:
        labels = np.array(json.load(f))
    n_stimuli = features.shape[0]

    averaged = np.zeros((n_stimuli, responses.shape[1]))
    np.add.at(averaged, stimulus, responses)
    averaged /= np.bincount(stimulus, minlength=n_stimuli)[:, None]

    medians = []
    splitter = StratifiedShuffleSplit(n_splits=10, train_size=0.9, random_state=1)
    for train, test in splitter.split(np.zeros(n_stimuli), labels):
        train, test = np.sort(train), np.sort(test)
        pls = PLSRegression(n_components=25, scale=False).fit(features[train], averaged[train])
        medians.append(np.nanmedian(per_neuroid_r(averaged[test], pls.predict(features[test]))))
    raw = float(np.mean(medians))
    regression_seconds = time.perf_counter() - started

    reps = np.unique(repetition)
    ceiling_medians = []
    for half1, half2 in ShuffleSplit(n_splits=10, train_size=0.5, random_state=1).split(np.zeros(len(reps))):
        halves = []
        for half in (half1, half2):
            mask = np.isin(repetition, reps[half])
            sums = np.zeros_like(averaged)
            np.add.at(sums, stimulus[mask], responses[mask])
            halves.append(sums / np.bincount(stimulus[mask], minlength=n_stimuli)[:, None])
        r = per_neuroid_r(halves[1], halves[0])
        ceiling_medians.append(np.nanmedian(2 * r / (1 + r)))
    ceiling = float(np.mean(ceiling_medians))
    seconds = time.perf_counter() - started

    print(json.dumps({
        "raw": raw,
        "ceiling": ceiling,
        "score": min(max((raw / ceiling) ** 2, 0.0), 1.0),
        "seconds": seconds,
        "regression_seconds": regression_seconds,
        "split_medians": [float(m) for m in medians],
    }))


if __name__ == "__main__":
    main(sys.argv[1])
