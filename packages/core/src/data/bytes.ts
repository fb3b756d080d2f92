/**
 * Byte counts as people read them in messages and listings.
 */

/** SI prefixes for powers of 1000, the units download tools and S3's console use (`283 MB`). */
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** Steps between successive {@link UNITS}. */
const UNIT_STEP = 1000;

/** Values from here up round to `1000` at three digits, so they move up a unit (`999.7 kB` → `1.00 MB`). */
const NEXT_UNIT_AT = UNIT_STEP - 0.5;

/**
 * `bytes` in the largest SI unit that keeps the number at least 1, with three significant digits
 * (`283 MB`, `28.3 MB`, `2.83 MB`); plain bytes below 1 kB. SI (1 MB = 10⁶ bytes), as `ls --si` and
 * the AWS S3 console print sizes.
 *
 * @param bytes - a non-negative byte count.
 * @throws RangeError for a negative or non-finite count.
 * @example
 * formatBytes(283_280_000); // '283 MB'
 * formatBytes(31_417);      // '31.4 kB'
 * formatBytes(12);          // '12 B'
 */
export function formatBytes(bytes: number): string {
  if (!(Number.isFinite(bytes) && bytes >= 0)) throw new RangeError(`bytes: expected a non-negative finite count, got ${bytes}`);
  let value = bytes;
  let unit = 0;
  while (value >= NEXT_UNIT_AT && unit < UNITS.length - 1) {
    value /= UNIT_STEP;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  // Three significant digits (toPrecision would switch to exponent notation at 1000 TB and above).
  const decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(decimals)} ${UNITS[unit]}`;
}
