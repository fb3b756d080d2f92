/** Peak resident set size of this process in bytes (see peak-rss.mjs). */
export function peakRss(): number;
