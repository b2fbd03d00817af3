/**
 * Compile-time checks that a type written out by hand (so that the API report shows its fields, not a schema's
 * `z.output`) stays the type its runtime schema gives. Types only: nothing here exists at run time.
 */

/** `true` when each type is assignable to the other, else `false`. */
export type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Compiles only for `true`: `export type _Check = Holds<SameType<Written, z.output<typeof Schema>>>`. */
export type Holds<Check extends true> = Check;
