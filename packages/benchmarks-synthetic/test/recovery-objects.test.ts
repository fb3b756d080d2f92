import { NEURAL_OBJECT_IMAGES_PER_CLASS, OBJECT_NAMES } from '../src/index.ts';
import { recoveryTests } from './recovery.ts';

// V4 and IT share the 288 object images.
recoveryTests('V4 and IT recordings (objects)', ['V4', 'IT'], OBJECT_NAMES.length * NEURAL_OBJECT_IMAGES_PER_CLASS);
