/** Brain-Score's access levels, in the order plugins register them: the public split anyone can download, the private one Brain-Score keeps. */
export const ACCESS_LEVELS = ['public', 'private'] as const;

/**
 * An access level of a Brain-Score data set.
 *
 * @example
 * const access: Access = 'public';
 */
export type Access = (typeof ACCESS_LEVELS)[number];
