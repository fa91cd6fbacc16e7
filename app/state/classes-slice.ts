/**
 * The New classes slice (transfer learning): the class folders the user dropped, as the worker opened them for
 * the open model (training and held-out images, with the folders' classes), where the model can be cut, the
 * training settings, and the live figures of the training in progress.
 */
import type { CutChoices, NewClassesRef, StudioError, TrainProgress } from '../../src/worker/api';

export interface OpenClasses extends NewClassesRef {
  /** For people: 'Trouser/, Sneaker/ (40 images)'. */
  label: string;
  /** Identifies these folders (names and bytes): a variant trained on them is named by it. */
  key: string;
}

export interface ClassesSettings {
  /** The layer the new head reads from; null for the core's default. */
  cut: string | null;
  epochs: number;
  learningRate: number;
  /** Weight-bearing backbone layers below the cut to train with the head afterwards; 0 keeps them frozen. */
  unfreeze: number;
  /** Apply the Compress panel's recipe after the retarget step. */
  compress: boolean;
}

type Epoch = Extract<TrainProgress, { kind: 'epoch' }>;

/** Each epoch's figures (the head's, then those of the unfrozen layers trained with it), and the latest speed. */
export interface ClassesTraining {
  epochs: Epoch[];
  unfrozen: Epoch[];
  samplesPerSecond: number | null;
}

export interface ClassesSlice {
  classes: OpenClasses | null;
  classesOpening: string | null;
  classesError: StudioError | null;
  cuts: CutChoices | null;
  cutsError: StudioError | null;
  classesSettings: ClassesSettings;
  classesTraining: ClassesTraining | null;
}

export const DEFAULT_CLASSES_SETTINGS: ClassesSettings = { cut: null, epochs: 20, learningRate: 0.01, unfreeze: 0, compress: false };

export function initialClassesSlice(): ClassesSlice {
  return { classes: null, classesOpening: null, classesError: null, cuts: null, cutsError: null, classesSettings: DEFAULT_CLASSES_SETTINGS, classesTraining: null };
}
