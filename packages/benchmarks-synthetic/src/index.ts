// Public surface of @vvs/benchmarks-synthetic (filled in by the benchmark plugin).
export {};
