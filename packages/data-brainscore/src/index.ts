/**
 * `@vvs/data-brainscore`: Brain-Score's published data sets — their catalog entries (storage
 * location and SHA-1 of every file, as Brain-Score's data plugins register them), their citations,
 * and readers that prepare them exactly as Brain-Score's benchmarks do.
 */
export { ACCESS_LEVELS } from './access.ts';
export type { Access } from './access.ts';
export { BRAINSCORE_STORAGE_URL, assemblyEntry, stimulusSetEntry } from './storage.ts';
export type { AssemblyFacts, StimulusSetFacts } from './storage.ts';
export { loadNeuralRecording, withStimulusColumns } from './neural-recording.ts';
export type { NeuralRecordingSource } from './neural-recording.ts';

export { MAJAJHONG2015_PUBLIC, MAJAJHONG2015_PRIVATE, HVM_PUBLIC, HVM_PRIVATE, MAJAJHONG2015_DATA_SETS } from './majajhong2015/catalog.ts';
export { loadMajajHong2015, MAJAJHONG2015_STRATIFY_BY } from './majajhong2015/load.ts';
export { MAJAJHONG2015_BIBTEX } from './majajhong2015/bibtex.ts';

export {
  FREEMANZIEMBA2013_PUBLIC,
  FREEMANZIEMBA2013_PRIVATE,
  FREEMANZIEMBA2013_APERTURE_PUBLIC,
  FREEMANZIEMBA2013_APERTURE_PRIVATE,
  FREEMANZIEMBA2013_DATA_SETS,
} from './freemanziemba2013/catalog.ts';
export { loadFreemanZiemba2013, FREEMANZIEMBA2013_STRATIFY_BY, FREEMANZIEMBA2013_TIME_WINDOW } from './freemanziemba2013/load.ts';
export { FREEMANZIEMBA2013_BIBTEX } from './freemanziemba2013/bibtex.ts';

export { RAJALINGHAM2018_PUBLIC, RAJALINGHAM2018_PRIVATE, OBJECTOME_PUBLIC, OBJECTOME_PRIVATE } from './rajalingham2018/catalog.ts';
export { RAJALINGHAM2018_BIBTEX } from './rajalingham2018/bibtex.ts';
export { loadRajalingham2018, i2nHumanData } from './rajalingham2018/load.ts';
export { readBehavioralAssembly, BEHAVIORAL_VALUES_COORDINATE } from './behavioral-assembly.ts';

export { GEIRHOS2021_DATASETS, geirhos2021Entries } from './geirhos2021/catalog.ts';
export type { Geirhos2021Dataset } from './geirhos2021/catalog.ts';
export { GEIRHOS2021_BIBTEX } from './geirhos2021/bibtex.ts';
export { loadGeirhos2021, GEIRHOS2021_EXCLUDE_CONDITIONS } from './geirhos2021/load.ts';
export type { Geirhos2021Data } from './geirhos2021/load.ts';

// Benchmark definitions (data + metric + ceiling) that the region plugins register.
export { majajHong2015Spec, MAJAJHONG2015_VERSION, MAJAJHONG2015_VISUAL_DEGREES, MAJAJHONG2015_NUMBER_OF_TRIALS } from './majajhong2015/benchmark-spec.ts';
export {
  freemanZiemba2013Spec,
  FREEMANZIEMBA2013_VERSIONS,
  FREEMANZIEMBA2013_VISUAL_DEGREES,
  FREEMANZIEMBA2013_NUMBER_OF_TRIALS,
} from './freemanziemba2013/benchmark-spec.ts';
export { neuralRegionPlugin } from './region-plugin.ts';
export type { NeuralRegionPluginOptions } from './region-plugin.ts';
