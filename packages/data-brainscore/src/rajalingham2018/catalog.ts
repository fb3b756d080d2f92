/**
 * Rajalingham2018's files as Brain-Score publishes them (brain-score/vision `data/rajalingham2018`):
 * human two-alternative match-to-sample trials on objectome images of 24 objects. Brain-Score's
 * public split holds the 2160 images without enough human data per image (also the fitting images of
 * the readout); the private split the 240 images with enough.
 */
import { assemblyEntry, stimulusSetEntry } from '../storage.ts';

/** Human trials on the public objectome images. */
export const RAJALINGHAM2018_PUBLIC = assemblyEntry({
  key: 'Rajalingham2018.public',
  identifier: 'dicarlo.Rajalingham2018.public',
  sha1: '34c6a8b6f7c523589c1861e4123232e5f7c7df4c',
  description: 'Rajalingham2018 public: human match-to-sample trials on 2160 objectome images',
});

/** Human trials on the 240 private objectome images. */
export const RAJALINGHAM2018_PRIVATE = assemblyEntry({
  key: 'Rajalingham2018.private',
  identifier: 'dicarlo.Rajalingham2018.private',
  sha1: '516f13793d1c5b72bb445bb4008448ce97a02d23',
  description: 'Rajalingham2018 private: human trials on 240 objectome images (not publicly readable)',
});

/** The public objectome images with `image_label` (the sample object): fitting and test images of the public benchmark. */
export const OBJECTOME_PUBLIC = stimulusSetEntry({
  key: 'objectome.public',
  identifier: 'objectome.public',
  csvSha1: '47884e17106a3be471d6481279cab33889b80850',
  zipSha1: '064f2955f98e63867755fee2e3ead8cddf6bfab8',
  description: 'objectome public images: 24 objects, 2160 images',
});

/** The private objectome images. */
export const OBJECTOME_PRIVATE = stimulusSetEntry({
  key: 'objectome.private',
  identifier: 'objectome.private',
  csvSha1: 'ac38e8f7c08fa8294ed25a3bf84a6adb108bf3fc',
  zipSha1: 'ccd39f7f9b8b4a92da06e3960d06225e46208593',
  description: 'objectome private images, 240 images',
});
