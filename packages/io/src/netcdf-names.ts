/**
 * Names and attribute conventions shared by the netCDF-4 reader and writer, as laid down by the
 * netCDF-C library (netCDF-4 "dimension scales" mapping onto HDF5) and by xarray's `to_netcdf`.
 */

/**
 * The variable name xarray gives an unnamed `DataArray` when it saves one
 * (`xarray.backends.api.DATAARRAY_VARIABLE`); Brain-Score's assemblies are saved under it.
 */
export const XARRAY_DATAARRAY_VARIABLE = '__xarray_dataarray_variable__';

/** Names that mark the data variable when a file offers several candidates, most telling first. */
export const CONVENTIONAL_DATA_NAMES: readonly string[] = [XARRAY_DATAARRAY_VARIABLE, 'data'];

/**
 * Start of the HDF5 `NAME` attribute netCDF-C gives the dataset it creates for a dimension that has
 * no coordinate variable (a "phantom" dimension scale), followed by the length in `%10d`.
 */
export const PHANTOM_DIMENSION_PREFIX = 'This is a netCDF dimension but not a netCDF variable.';

/** Width netCDF-C formats a phantom dimension's length to in its `NAME` attribute (`%10d`). */
export const PHANTOM_LENGTH_WIDTH = 10;

/** The value of the HDF5 `CLASS` attribute of a dimension scale (HDF5 Dimension Scale specification). */
export const DIMENSION_SCALE_CLASS = 'DIMENSION_SCALE';

/** Attribute of a netCDF data variable listing its non-dimension coordinates, space-separated (CF §5). */
export const COORDINATES_ATTRIBUTE = 'coordinates';

/**
 * Attributes that describe storage rather than the data: HDF5 dimension-scale bookkeeping, netCDF-C
 * internals, and the CF encodings a reader applies (`_FillValue`, `missing_value`, `scale_factor`,
 * `add_offset`, as xarray's `decode_cf` does). They are neither returned nor accepted as `attrs`.
 */
export const RESERVED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'CLASS',
  'NAME',
  'DIMENSION_LIST',
  'REFERENCE_LIST',
  '_Netcdf4Dimid',
  '_Netcdf4Coordinates',
  '_NCProperties',
  '_nc3_strict',
  COORDINATES_ATTRIBUTE,
  '_FillValue',
  'missing_value',
  'scale_factor',
  'add_offset',
]);
