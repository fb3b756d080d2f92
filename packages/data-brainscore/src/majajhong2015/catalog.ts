/**
 * MajajHong2015's files as Brain-Score publishes them (brain-score/vision `data/majajhong2015`):
 * V4 and IT multi-unit responses to the HvM images, 50 repetitions, one time bin; the public half
 * (variations 0 and 3, 3200 images) and the private half (variation 6, 2560 images).
 */
import { assemblyEntry, stimulusSetEntry } from '../storage.ts';

/** The public recording: 256 neuroids (IT 168, V4 88) × 148,480 presentations × 1 time bin. */
export const MAJAJHONG2015_PUBLIC = assemblyEntry({
  key: 'MajajHong2015.public',
  identifier: 'dicarlo.MajajHong2015.public',
  sha1: '13d28ca0ce88ee550b54db3004374ae19096e9b9',
  description: 'MajajHong2015 public: V4 and IT responses to 3200 HvM images, 50 repetitions',
});

/** The private recording (2560 images); Brain-Score keeps it for its leaderboard. */
export const MAJAJHONG2015_PRIVATE = assemblyEntry({
  key: 'MajajHong2015.private',
  identifier: 'dicarlo.MajajHong2015.private',
  sha1: '7a40d16148d6f82939155f0bd976d310857fb156',
  description: 'MajajHong2015 private: V4 and IT responses to 2560 HvM images (not publicly readable)',
});

/** The 3200 public HvM images (64 objects of 8 categories on natural backgrounds). */
export const HVM_PUBLIC = stimulusSetEntry({
  key: 'hvm-public',
  identifier: 'hvm-public',
  csvSha1: '5ca7a3da00d8e9c694a9cd725df5ba0ad6d735af',
  zipSha1: '8aa44e038d7b551efa8077467622f9d48d72e473',
  description: 'HvM public images (MajajHong2015 public stimuli), 3200 images',
});

/** The 2560 private HvM images. */
export const HVM_PRIVATE = stimulusSetEntry({
  key: 'hvm-private',
  identifier: 'hvm-private',
  csvSha1: '6ff4981722fa05feb73a2bd26bbbba8b50dc29a6',
  zipSha1: 'd7b1ca1876dad87e15b0242b4c82c0203ff3cbd3',
  description: 'HvM private images (MajajHong2015 private stimuli), 2560 images',
});

/** Every MajajHong2015 data set: recordings and images, public and private. */
export const MAJAJHONG2015_DATA_SETS = [MAJAJHONG2015_PUBLIC, MAJAJHONG2015_PRIVATE, HVM_PUBLIC, HVM_PRIVATE] as const;
