import { recoveryTests } from './recovery.ts';

// V1 and V2 share the 96 gratings and 96 noise textures.
recoveryTests('V1 and V2 recordings (gratings and textures)', ['V1', 'V2'], 192);
