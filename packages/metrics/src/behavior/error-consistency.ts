/**
 * Error consistency (Geirhos, Meding & Wichmann 2020, "Beyond accuracy: quantifying trial-by-trial
 * behaviour of CNNs and humans by measuring error consistency", NeurIPS): Cohen's κ on whether two
 * observers were right or wrong on the same trials, and its aggregation over observer pairs and
 * conditions as in Geirhos et al. 2021 ("Partial success in closing the gap between human and
 * machine vision", model-vs-human) and Brain-Score's `Geirhos2021*-error_consistency` benchmarks.
 */
import { compareCodePoints } from '../split/unique-labels.ts';
import { mean, std } from '../stats/descriptive.ts';

/** Error consistency of two observers on the same trials. */
export interface ErrorConsistencyResult {
  /** Share of trials observer 1 got right. */
  accuracy1: number;
  /** Share of trials observer 2 got right. */
  accuracy2: number;
  /** Agreement expected from the accuracies alone: a1·a2 + (1 − a1)(1 − a2). */
  cExp: number;
  /** Share of trials both got right or both got wrong (two different wrong answers agree). */
  cObs: number;
  /** Cohen's κ = (cObs − cExp) / (1 − cExp); NaN when cExp = 1 (see {@link errorConsistency}). */
  kappa: number;
}

/**
 * Error consistency κ of two observers over the same trials, in trial order (model-vs-human's
 * `ErrorConsistency.analysis`, Brain-Score's `compare_single_subject` + `cohens_kappa`): a trial is
 * correct when the choice equals the truth; κ = (cObs − cExp) / (1 − cExp).
 *
 * When both observers are always right, or both always wrong, cExp = cObs = 1 and κ = 0/0: this
 * returns NaN, as numpy float64 does (Brain-Score). model-vs-human returns 1 whenever cObs = 1;
 * {@link aggregateErrorConsistency} offers that convention.
 *
 * @throws RangeError when the three arrays differ in length or are empty.
 * @example
 * errorConsistency(['cat', 'dog', 'car', 'cat'], ['cat', 'dog', 'cat', 'dog'], ['cat', 'cat', 'cat', 'dog']);
 * // { accuracy1: 0.5, accuracy2: 0.25, cExp: 0.5, cObs: 0.75, kappa: 0.5 }
 */
export function errorConsistency<T>(
  truth: ArrayLike<T>,
  choice1: ArrayLike<T>,
  choice2: ArrayLike<T>,
): ErrorConsistencyResult {
  const n = truth.length;
  if (choice1.length !== n || choice2.length !== n) {
    throw new RangeError(
      `errorConsistency: truth, choice1 and choice2 must have equal lengths, got ${n}, ${choice1.length}, ${choice2.length}`,
    );
  }
  const correct1 = new Uint8Array(n);
  const correct2 = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    correct1[i] = choice1[i] === truth[i] ? 1 : 0;
    correct2[i] = choice2[i] === truth[i] ? 1 : 0;
  }
  return errorConsistencyFromCorrectness(correct1, correct2);
}

/**
 * {@link errorConsistency} from each observer's per-trial correctness (truthy = right), for callers
 * that score correctness themselves (e.g. top-k or per-observer truths).
 *
 * @throws RangeError when the arrays differ in length or are empty.
 * @example
 * errorConsistencyFromCorrectness([1, 1, 0, 0], [1, 0, 0, 0]).kappa; // 0.5
 */
export function errorConsistencyFromCorrectness(
  correct1: ArrayLike<number | boolean>,
  correct2: ArrayLike<number | boolean>,
): ErrorConsistencyResult {
  const n = correct1.length;
  if (correct2.length !== n) {
    throw new RangeError(`errorConsistency: the observers have ${n} and ${correct2.length} trials`);
  }
  if (n === 0) throw new RangeError('errorConsistency: needs at least one trial');
  let right1 = 0;
  let right2 = 0;
  let agreements = 0;
  for (let i = 0; i < n; i++) {
    const a = Boolean(correct1[i]);
    const b = Boolean(correct2[i]);
    if (a) right1++;
    if (b) right2++;
    if (a === b) agreements++;
  }
  // numpy's operation order: accuracies and agreement as shares, then c_exp, then κ.
  const accuracy1 = right1 / n;
  const accuracy2 = right2 / n;
  const cObs = agreements / n;
  const cExp = accuracy1 * accuracy2 + (1 - accuracy1) * (1 - accuracy2);
  return { accuracy1, accuracy2, cExp, cObs, kappa: (cObs - cExp) / (1 - cExp) };
}

/** One trial of one observer, for {@link aggregateErrorConsistency}. */
export interface ObserverTrial {
  /** Observer: a human subject or a model. */
  subject: string;
  /** Condition (distortion level); one label for datasets without conditions. */
  condition: string;
  /** Image identity shared by the observers that saw the image (model-vs-human's short image name). */
  imageId: string;
  /** True category. */
  truth: string;
  /** The observer's answer (an answer matching no category, e.g. 'na', is simply wrong). */
  choice: string;
}

/**
 * κ when two observers agree on every trial (cObs = 1):
 * - `'one'`: 1, as model-vs-human's `error_consistency` (`if observed_consistency == 1.0: return 1.0`);
 * - `'nan'`: the plain formula, which is 0/0 = NaN when cExp = 1 as well (Brain-Score's `cohens_kappa`).
 *
 * The two differ only when both observers are always right or always wrong on a condition.
 */
export type PerfectAgreementKappa = 'one' | 'nan';

/** Options of {@link aggregateErrorConsistency}. */
export interface AggregateErrorConsistencyOptions {
  /**
   * Compare this observer with every other one (model vs humans). Without it, every unordered pair
   * of distinct observers is compared (human vs human, Brain-Score's ceiling).
   */
  source?: string;
  /** Conditions left out (model-vs-human's `EXCLUDE_CONDITIONS`: controls and conditions with human accuracy < 0.2). */
  excludeConditions?: Iterable<string>;
  /** κ for a condition on which a pair agrees on every trial; default `'one'` (model-vs-human). */
  perfectAgreement?: PerfectAgreementKappa;
}

/** κ of one observer pair on one condition. */
export interface ConditionErrorConsistency extends ErrorConsistencyResult {
  condition: string;
  nTrials: number;
}

/** κ of one observer pair on every kept condition, and their mean. */
export interface PairErrorConsistency {
  subject1: string;
  subject2: string;
  /** In `conditions` order. */
  conditions: ConditionErrorConsistency[];
  /** Mean κ over the conditions. */
  meanKappa: number;
}

/** Result of {@link aggregateErrorConsistency}: the score and its per-pair and per-condition parts. */
export interface AggregatedErrorConsistency {
  /** Mean over pairs of each pair's mean κ over conditions (model-vs-human's per-dataset value). */
  score: number;
  /** Standard deviation (ddof 0) of κ over all (pair, condition) cells, as Brain-Score's `error`. */
  error: number;
  /** The pairs compared: (source, other) in observer order, or (i, j) with i < j. */
  pairs: PairErrorConsistency[];
  /** The kept conditions, in code-point order. */
  conditions: string[];
  /** For each condition, the mean κ over pairs (model-vs-human's per-condition plot values). */
  conditionMeans: Float64Array;
}

/**
 * Error consistency aggregated as in Geirhos et al. 2021 (model-vs-human's benchmark table) and
 * Brain-Score's Geirhos2021 benchmarks: for each observer pair and each kept condition, κ over the
 * images both saw (matched by `imageId`); per pair, the mean over conditions; then the mean over
 * pairs. With `source`, the pairs are (source, each other observer) — a model's raw score (Brain-Score
 * reports its absolute value); without, all pairs of distinct observers — the human–human
 * consistency (Brain-Score's ceiling, also taken in absolute value). Every pair must have seen the
 * same images in every kept condition, which balanced data guarantees; the nested means then equal
 * Brain-Score's flat mean over (pair, condition).
 *
 * Observers and conditions are ordered by code point; results do not depend on the record order.
 *
 * @throws RangeError when `source` is not an observer, fewer than two observers or no kept
 *   condition remain, an observer sees an image twice in one condition, or a pair's images differ.
 * @example
 * const resnet = aggregateErrorConsistency(trials, { source: 'resnet50', excludeConditions: ['c100', 'c03', 'c01'] });
 * resnet.score; // mean over humans of the mean over conditions of κ(resnet50, human)
 * const humans = aggregateErrorConsistency(trials.filter((t) => t.subject !== 'resnet50'));
 */
export function aggregateErrorConsistency(
  trials: Iterable<ObserverTrial>,
  { source, excludeConditions = [], perfectAgreement = 'one' }: AggregateErrorConsistencyOptions = {},
): AggregatedErrorConsistency {
  const excluded = new Set(excludeConditions);
  // observer → condition → imageId → trial
  const byObserver = new Map<string, Map<string, Map<string, ObserverTrial>>>();
  const conditionSet = new Set<string>();
  for (const trial of trials) {
    if (excluded.has(trial.condition)) continue;
    conditionSet.add(trial.condition);
    let byCondition = byObserver.get(trial.subject);
    if (byCondition === undefined) byObserver.set(trial.subject, (byCondition = new Map()));
    let byImage = byCondition.get(trial.condition);
    if (byImage === undefined) byCondition.set(trial.condition, (byImage = new Map()));
    if (byImage.has(trial.imageId)) {
      throw new RangeError(
        `aggregateErrorConsistency: ${trial.subject} has image '${trial.imageId}' twice in condition '${trial.condition}'`,
      );
    }
    byImage.set(trial.imageId, trial);
  }
  const observers = [...byObserver.keys()].sort(compareCodePoints);
  const conditions = [...conditionSet].sort(compareCodePoints);
  if (conditions.length === 0) throw new RangeError('aggregateErrorConsistency: no trials left after excluding conditions');
  if (observers.length < 2) {
    throw new RangeError(`aggregateErrorConsistency: needs at least 2 observers, got ${observers.length}`);
  }
  if (source !== undefined && !byObserver.has(source)) {
    throw new RangeError(`aggregateErrorConsistency: source '${source}' has no trials in the kept conditions`);
  }

  const pairs: PairErrorConsistency[] = [];
  const comparePair = (subject1: string, subject2: string) => {
    const perCondition = conditions.map((condition) => {
      const result = conditionConsistency(byObserver, subject1, subject2, condition);
      if (result.cObs === 1 && perfectAgreement === 'one') result.kappa = 1;
      return result;
    });
    pairs.push({ subject1, subject2, conditions: perCondition, meanKappa: mean(perCondition.map((c) => c.kappa)) });
  };
  if (source !== undefined) {
    for (const other of observers) if (other !== source) comparePair(source, other);
  } else {
    for (let i = 0; i < observers.length; i++) {
      for (let j = i + 1; j < observers.length; j++) comparePair(observers[i], observers[j]);
    }
  }
  return {
    score: mean(pairs.map((p) => p.meanKappa)),
    error: std(pairs.flatMap((p) => p.conditions.map((c) => c.kappa))),
    pairs,
    conditions,
    conditionMeans: Float64Array.from(conditions, (_, k) => mean(pairs.map((p) => p.conditions[k].kappa))),
  };
}

function conditionConsistency(
  byObserver: Map<string, Map<string, Map<string, ObserverTrial>>>,
  subject1: string,
  subject2: string,
  condition: string,
): ConditionErrorConsistency {
  const images1 = byObserver.get(subject1)!.get(condition);
  const images2 = byObserver.get(subject2)!.get(condition);
  if (images1 === undefined || images2 === undefined) {
    const missing = images1 === undefined ? subject1 : subject2;
    throw new RangeError(`aggregateErrorConsistency: ${missing} has no trials in condition '${condition}'`);
  }
  if (images1.size !== images2.size) {
    throw new RangeError(
      `aggregateErrorConsistency: ${subject1} saw ${images1.size} images and ${subject2} ${images2.size} in condition '${condition}'`,
    );
  }
  const correct1 = new Uint8Array(images1.size);
  const correct2 = new Uint8Array(images1.size);
  let k = 0;
  for (const [imageId, trial1] of images1) {
    const trial2 = images2.get(imageId);
    if (trial2 === undefined) {
      throw new RangeError(
        `aggregateErrorConsistency: image '${imageId}' seen by ${subject1} but not by ${subject2} in condition '${condition}'`,
      );
    }
    correct1[k] = trial1.choice === trial1.truth ? 1 : 0;
    correct2[k] = trial2.choice === trial2.truth ? 1 : 0;
    k++;
  }
  return { condition, nTrials: images1.size, ...errorConsistencyFromCorrectness(correct1, correct2) };
}
