/**
 * Where Brain-Score stores its data and how it names the files: brain-score/core's
 * `supported_data_standards/brainio/s3.py` splits the bucket `brainscore-storage/brainio-brainscore`
 * into a bucket and a folder and names a file `{assy_|stimulus_}{identifier, '.' → '_'}.{nc|csv|zip}`.
 */
import type { DataSetEntry } from '@vvs/core';

/** The public S3 folder holding Brain-Score's assemblies and stimulus sets (`brainscore-storage/brainio-brainscore`). */
export const BRAINSCORE_STORAGE_URL = 'https://brainscore-storage.s3.amazonaws.com/brainio-brainscore';

/** The file name Brain-Score's S3 helper gives a data set's file. */
function fileName(prefix: 'assy_' | 'stimulus_', identifier: string, extension: 'nc' | 'csv' | 'zip'): string {
  return `${prefix}${identifier.replaceAll('.', '_')}.${extension}`;
}

/**
 * Brain-Score's `load_assembly_from_s3` facts for one assembly.
 *
 * @example
 * const a: AssemblyFacts = { key: 'MajajHong2015.public', identifier: 'dicarlo.MajajHong2015.public', sha1: '13d28ca0…' };
 */
export interface AssemblyFacts {
  /** The data registry key (`data_registry['MajajHong2015.public']`): vvs's catalog id. */
  readonly key: string;
  /** Brain-Score's identifier, from which the file name derives. */
  readonly identifier: string;
  readonly sha1: string;
  /** S3 object version pinned by Brain-Score, when not `"null"`. */
  readonly versionId?: string;
  readonly description: string;
}

/**
 * Brain-Score's `load_stimulus_set_from_s3` facts for one stimulus set.
 *
 * @example
 * const s: StimulusSetFacts = { key: 'hvm-public', identifier: 'hvm-public', csvSha1: '5ca7a3da…', zipSha1: '8aa44e03…', description: '…' };
 */
export interface StimulusSetFacts {
  /** The stimulus-set registry key; vvs's catalog id (with `.stimuli` appended where it would clash with an assembly's). */
  readonly key: string;
  readonly identifier: string;
  readonly csvSha1: string;
  readonly zipSha1: string;
  readonly csvVersionId?: string;
  readonly zipVersionId?: string;
  readonly description: string;
}

/**
 * The catalog entry of a Brain-Score assembly: one `.nc` file at Brain-Score's storage location.
 *
 * @example
 * assemblyEntry({ key: 'MajajHong2015.public', identifier: 'dicarlo.MajajHong2015.public', sha1, description }).files[0].url;
 * // 'https://brainscore-storage.s3.amazonaws.com/brainio-brainscore/assy_dicarlo_MajajHong2015_public.nc'
 */
export function assemblyEntry(facts: AssemblyFacts): DataSetEntry {
  const name = fileName('assy_', facts.identifier, 'nc');
  return {
    id: facts.key,
    kind: 'assembly',
    identifier: facts.identifier,
    description: facts.description,
    files: [{ name, url: `${BRAINSCORE_STORAGE_URL}/${name}`, sha1: facts.sha1 }],
    ...(facts.versionId ? { versionId: facts.versionId } : {}),
  };
}

/**
 * The catalog entry of a Brain-Score stimulus set: its CSV of metadata, then its zip of images.
 *
 * @example
 * stimulusSetEntry({ key: 'hvm-public', identifier: 'hvm-public', csvSha1, zipSha1, description }).files.map((f) => f.name);
 * // ['stimulus_hvm-public.csv', 'stimulus_hvm-public.zip']
 */
export function stimulusSetEntry(facts: StimulusSetFacts): DataSetEntry {
  const csv = fileName('stimulus_', facts.identifier, 'csv');
  const zip = fileName('stimulus_', facts.identifier, 'zip');
  const versions = [facts.csvVersionId, facts.zipVersionId].filter((v) => v !== undefined);
  return {
    id: facts.key,
    kind: 'stimulus_set',
    identifier: facts.identifier,
    description: facts.description,
    files: [
      { name: csv, url: `${BRAINSCORE_STORAGE_URL}/${csv}`, sha1: facts.csvSha1 },
      { name: zip, url: `${BRAINSCORE_STORAGE_URL}/${zip}`, sha1: facts.zipSha1 },
    ],
    ...(versions.length > 0 ? { versionId: versions.join(' ') } : {}),
  };
}
