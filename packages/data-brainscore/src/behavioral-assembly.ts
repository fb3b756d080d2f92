/**
 * Brain-Score's behavioural assemblies (`BehavioralAssembly`): trials whose values are the subjects'
 * choices, as strings, read from their netCDF files.
 */
import { InputError, type Assembly } from '@vvs/core';
import { readNetcdfAssembly } from '@vvs/io';

/**
 * The coordinate under which {@link readBehavioralAssembly} puts a behavioural assembly's values
 * (each trial's choice). It is the name xarray gives the values of a `DataArray` (`.values`); a
 * Brain-Score assembly never has a coordinate of that name (they carry `choice` besides the values).
 */
export const BEHAVIORAL_VALUES_COORDINATE = 'values';

/**
 * Reads a Brain-Score behavioural assembly (`BehavioralAssembly`: 1-D over `presentation`, one trial
 * per entry, the values being the subject's choices as strings) from its netCDF file: the
 * assembly, with the choices as the {@link BEHAVIORAL_VALUES_COORDINATE} coordinate and `data` NaN,
 * and the choices themselves.
 *
 * @throws InputFileError (from `@vvs/io`) for an unreadable file or a data variable of numbers.
 * @throws InputError when the assembly is not 1-D over `presentation`.
 * @example
 * const { trials, choices } = await readBehavioralAssembly('assy_dicarlo_Rajalingham2018_public.nc');
 * choices[0]; // 'dog' — the first trial's choice
 */
export async function readBehavioralAssembly(path: string): Promise<{ trials: Assembly; choices: string[] }> {
  const trials = await readNetcdfAssembly(path, { stringValuesAs: BEHAVIORAL_VALUES_COORDINATE });
  if (trials.dims.length !== 1 || trials.dims[0] !== 'presentation') {
    throw new InputError(`${path}: a behavioural assembly is 1-D over 'presentation', got dims (${trials.dims.join(', ')})`, { file: path });
  }
  const values = trials.coords[BEHAVIORAL_VALUES_COORDINATE];
  if (values === undefined) {
    throw new InputError(`${path}: the assembly's values are numbers, but a behavioural assembly's are the subjects' choices (strings)`, { file: path });
  }
  return { trials, choices: values.values as string[] };
}
