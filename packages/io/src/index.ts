/**
 * `@vvs/io`: readers for the files researchers already have — Brain-Score netCDF-4 assemblies and
 * activations, NumPy `.npy` feature matrices and stimulus-id sidecars — returning `Assembly`s, plus
 * writers for `.npy` and netCDF-4.
 */
export { InputFileError } from './errors.ts';
export { readNetcdfAssembly, type ReadNetcdfOptions } from './netcdf-read.ts';
export { writeNetcdfAssembly, type WriteNetcdfOptions } from './netcdf-write.ts';
export { XARRAY_DATAARRAY_VARIABLE } from './netcdf-names.ts';
export { readNpy, readNpyLayout, writeNpy, type NpyArray, type NpyLayout, type WriteNpyOptions } from './npy.ts';
export { readStimulusIds } from './stimulus-ids.ts';
export { readFeatures, openFeatures, type ReadFeaturesOptions } from './features.ts';
export { npyFeatureSource } from './npy-source.ts';
export { parseCsv } from './csv.ts';
export type { NumericArray } from './numeric.ts';
export {
  IMAGE_EXTENSIONS,
  stimulusSetFromDirectory,
  stimulusSetFromCsv,
  openStimulusSet,
  type StimulusSetOptions,
} from './stimulus-set.ts';

// Brain-Score stimulus sets as published (CSV + zip of images), read from the zip without extracting it.
export { ZipArchive } from './zip.ts';
export { openBrainScoreStimulusSet, type BrainScoreStimulusSetOptions } from './brainscore-stimulus-set.ts';
