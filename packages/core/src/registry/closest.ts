/**
 * "Did you mean …?" support: ranking known ids by their edit distance to a mistyped one.
 */

/** At most this many suggestions are offered; more is noise. */
const MAX_SUGGESTIONS = 3;

/**
 * Suggestions must be within this fraction of the query's length in edits, so that a short query does
 * not "match" everything while a long id with a missing word (`MajajHong2015.IT-pls` for
 * `MajajHong2015public.IT-pls`: 6 edits in 20 characters) still does.
 */
const MAX_DISTANCE_PER_CHARACTER = 1 / 3;

/** Floor of the distance budget, so that one- or two-letter typos in short ids are still caught. */
const MIN_MAX_DISTANCE = 2;

/**
 * Levenshtein distance: the fewest single-character insertions, deletions and substitutions turning
 * `a` into `b` (Wagner–Fischer dynamic programming, two rows, O(|a|·|b|) time, O(|b|) memory).
 * Compares UTF-16 code units, which is exact for the ASCII ids vvs allows.
 *
 * @example
 * editDistance('kitten', 'sitting'); // 3
 */
export function editDistance(a: string, b: string): number {
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (ai === b.charCodeAt(j - 1) ? 0 : 1);
      current[j] = Math.min(substitution, previous[j] + 1, current[j - 1] + 1);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

/**
 * The candidates closest to `query` by case-insensitive {@link editDistance}, best first (ties in
 * alphabetical order), keeping only those within `max(2, ⌊|query| / 3⌋)` edits, at most three.
 *
 * @example
 * closestMatches('MajajHong2015.IT-pls', ['MajajHong2015public.IT-pls', 'MajajHong2015public.V4-pls']);
 * // ['MajajHong2015public.IT-pls'] (6 edits; the V4 id needs 8, over the budget of ⌊20 / 3⌋ = 6)
 */
export function closestMatches(query: string, candidates: Iterable<string>): string[] {
  const needle = query.toLowerCase();
  const budget = Math.max(MIN_MAX_DISTANCE, Math.floor(needle.length * MAX_DISTANCE_PER_CHARACTER));
  const ranked: { candidate: string; distance: number }[] = [];
  for (const candidate of candidates) {
    const distance = editDistance(needle, candidate.toLowerCase());
    if (distance <= budget) ranked.push({ candidate, distance });
  }
  // Code-unit order for ties, so suggestions do not depend on the locale.
  const byCodeUnits = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  ranked.sort((x, y) => x.distance - y.distance || byCodeUnits(x.candidate, y.candidate));
  return ranked.slice(0, MAX_SUGGESTIONS).map((r) => r.candidate);
}
