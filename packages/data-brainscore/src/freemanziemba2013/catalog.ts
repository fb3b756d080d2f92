/**
 * FreemanZiemba2013's files as Brain-Score publishes them (brain-score/vision `data/freemanziemba2013`):
 * V1 and V2 responses to naturalistic textures and spectrally matched noise shown in a 4° aperture,
 * 20 repetitions, 1-ms time bins over 300 ms; the public split (135 images) and the private one (315).
 */
import { assemblyEntry, stimulusSetEntry } from '../storage.ts';

/** The public recording: 205 neuroids (V1 102, V2 103) × 2700 presentations × 300 one-ms bins. */
export const FREEMANZIEMBA2013_PUBLIC = assemblyEntry({
  key: 'FreemanZiemba2013.public',
  identifier: 'movshon.FreemanZiemba2013.public',
  sha1: '761c08f796db4e342555cdb60eef23a4f19ead43',
  versionId: 'W2vx7jdh9utZdVumHHarXa4L1zOrA8Fd',
  description: 'FreemanZiemba2013 public: V1 and V2 responses to 135 texture and noise images, 20 repetitions',
});

/** The private recording (315 images). */
export const FREEMANZIEMBA2013_PRIVATE = assemblyEntry({
  key: 'FreemanZiemba2013.private',
  identifier: 'movshon.FreemanZiemba2013.private',
  sha1: '63f636fa2e2b51b47a676768a69b06ce95efdd8f',
  versionId: 'wx5LB7Nq42SV74RQ8Cw6EtyabywsnSyG',
  description: 'FreemanZiemba2013 private: V1 and V2 responses to 315 images (not publicly readable)',
});

/** The public images in their raised-cosine aperture (320 × 320 px, gray 128). */
export const FREEMANZIEMBA2013_APERTURE_PUBLIC = stimulusSetEntry({
  key: 'FreemanZiemba2013.aperture-public',
  identifier: 'FreemanZiemba2013.aperture-public',
  csvSha1: '194c9b301a4e3e9cff02481d4c19b39331d52660',
  zipSha1: '3a6fec1fc28c212882d6833e267ea8654d289611',
  description: 'FreemanZiemba2013 public images (textures and noise in an aperture), 135 images',
});

/** The private images in their aperture. */
export const FREEMANZIEMBA2013_APERTURE_PRIVATE = stimulusSetEntry({
  key: 'FreemanZiemba2013.aperture-private',
  identifier: 'FreemanZiemba2013.aperture-private',
  csvSha1: '65bee31483dd743ae2a19c6af03b9abe5f4d5a41',
  zipSha1: 'daa724a4797b23929df59c18744923790edf71cb',
  csvVersionId: 'Klo0lMygUX0IZPkLoypccXH55a1hZjf2',
  zipVersionId: 'nZES.el0vF3KXuRrB2ELQOqzCcxumFMY',
  description: 'FreemanZiemba2013 private images in an aperture, 315 images',
});

/** Every FreemanZiemba2013 data set: recordings and images, public and private. */
export const FREEMANZIEMBA2013_DATA_SETS = [
  FREEMANZIEMBA2013_PUBLIC,
  FREEMANZIEMBA2013_PRIVATE,
  FREEMANZIEMBA2013_APERTURE_PUBLIC,
  FREEMANZIEMBA2013_APERTURE_PRIVATE,
] as const;
