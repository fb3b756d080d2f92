/**
 * One entry point for the feature files a researcher brings: a Brain-Score activations netCDF, or a
 * NumPy matrix with a sidecar list of stimulus ids.
 */
import type { Assembly, LazyFeatures } from '@vvs/core';
import { extname } from 'node:path';
import { InputFileError } from './errors.ts';
import { readNetcdfAssembly } from './netcdf-read.ts';
import { readNpy, readNpyLayout } from './npy.ts';
import { npyFeatureSource } from './npy-source.ts';
import { readStimulusIds } from './stimulus-ids.ts';

/** Extensions read as netCDF-4/HDF5. */
const NETCDF_EXTENSIONS: readonly string[] = ['.nc', '.nc4', '.h5', '.hdf5'];

/** Options of {@link readFeatures}. */
export interface ReadFeaturesOptions {
  /** Sidecar file naming the stimulus of each row of a `.npy` matrix (see {@link readStimulusIds}). */
  stimulusIdsPath?: string;
}

/**
 * Reads model features (activations) as a `presentation × neuroid` assembly:
 *
 * - `.nc` (and `.nc4`, `.h5`, `.hdf5`): {@link readNetcdfAssembly}, coordinates as stored;
 * - `.npy`: {@link readNpy}; a 2-D array is stimuli × features, and an array of higher rank
 *   (stimuli × channels × height × width, say) is flattened in C order over all axes but the first,
 *   as `arr.reshape(len(arr), -1)` does. The rows are named by the sidecar `stimulusIdsPath`, which is
 *   required; the assembly gets coordinates `stimulus_id` (presentation) and `neuroid_id` (0, 1, …).
 *   float32 data stays `Float32Array`.
 *
 * @param path - the feature file.
 * @param options - see {@link ReadFeaturesOptions}.
 * @throws {@link InputFileError} for an unknown extension, a `.npy` without stimulus ids or of rank
 *   below 2, a row count that differs from the number of ids (naming both files and counts), a
 *   `stimulusIdsPath` given with a netCDF file, and every error of the underlying readers.
 * @example
 * const features = await readFeatures('features.npy', { stimulusIdsPath: 'features.ids.txt' });
 * features.shape; // [n_stimuli, n_features]
 */
export async function readFeatures(path: string, options: ReadFeaturesOptions = {}): Promise<Assembly> {
  const { stimulusIdsPath } = options;
  const extension = extname(path).toLowerCase();
  if (NETCDF_EXTENSIONS.includes(extension)) {
    if (stimulusIdsPath !== undefined) {
      throw new InputFileError(path, `a netCDF file names its stimuli itself; --stimulus-ids (${stimulusIdsPath}) is only for .npy features`);
    }
    return readNetcdfAssembly(path);
  }
  if (extension !== '.npy') {
    throw new InputFileError(path, `unsupported feature file extension "${extension}"; expected .npy or ${NETCDF_EXTENSIONS.join(', ')}`);
  }
  if (stimulusIdsPath === undefined) {
    throw new InputFileError(path, 'a .npy feature matrix needs --stimulus-ids: a file naming the stimulus of each row (.txt, .json or .csv)');
  }
  const { shape, data } = readNpy(path);
  if (shape.length < 2) {
    throw new InputFileError(path, `expected a stimuli × features array (2 or more axes), got shape (${shape.join(', ')})`);
  }
  const ids = readStimulusIds(stimulusIdsPath);
  const rows = shape[0];
  checkRowCount(path, rows, stimulusIdsPath, ids.length);
  const features = shape.slice(1).reduce((n, d) => n * d, 1);
  return {
    dims: ['presentation', 'neuroid'],
    shape: [rows, features],
    data,
    coords: {
      stimulus_id: { dim: 'presentation', values: ids },
      neuroid_id: { dim: 'neuroid', values: Array.from({ length: features }, (_, i) => i) },
    },
    attrs: { source_file: path, stimulus_ids_file: stimulusIdsPath },
  };
}

/**
 * Opens model features for scoring: a `.npy` float32/float64 matrix in C order stays on disk and is
 * read on demand ({@link LazyFeatures}: memory does not grow with the feature count); any other
 * file (`.nc` activations, integer or Fortran-order `.npy`) is read whole with {@link readFeatures}.
 *
 * @throws {@link InputFileError} as {@link readFeatures} does.
 * @example
 * const features = await openFeatures('layer4.npy', { stimulusIdsPath: 'ids.txt' });
 * const score = await scoreFeatures(features, recording);
 */
export async function openFeatures(path: string, options: ReadFeaturesOptions = {}): Promise<Assembly | LazyFeatures> {
  const { stimulusIdsPath } = options;
  if (extname(path).toLowerCase() !== '.npy' || stimulusIdsPath === undefined) return readFeatures(path, options);
  const layout = readNpyLayout(path);
  const streamable = !layout.fortranOrder && (layout.ArrayType === Float32Array || layout.ArrayType === Float64Array) && layout.shape.length >= 2;
  if (!streamable) return readFeatures(path, options);
  const stimulusIds = readStimulusIds(stimulusIdsPath);
  checkRowCount(path, layout.shape[0], stimulusIdsPath, stimulusIds.length);
  return { stimulusIds, source: npyFeatureSource(path, layout, stimulusIds), origin: path };
}

function checkRowCount(path: string, rows: number, stimulusIdsPath: string, ids: number): void {
  if (ids !== rows) {
    throw new InputFileError(path, `has ${rows} rows but ${stimulusIdsPath} lists ${ids} stimulus ids; they must match one to one`);
  }
}
