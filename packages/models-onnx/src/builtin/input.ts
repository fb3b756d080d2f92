/** The image input shared by the built-in models. */

/** Channels, height and width of a built-in model's input: an RGB 224×224 batch, `[N, 3, 224, 224]`. */
export const BUILTIN_INPUT_SHAPE = [3, 224, 224] as const;
