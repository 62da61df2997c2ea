import * as z from 'zod';
import type { Rule } from './types.js';

/** Declare a rule (keeps its literal code and settings shape for the derived types). */
export function defineRule<
  const Code extends string,
  Shape extends { readonly enabled: z.ZodBoolean } & z.ZodRawShape,
  const Key extends readonly string[],
>(rule: Rule<Code, Shape, Key>): Rule<Code, Shape, Key> {
  return rule;
}

/** The `enabled` switch every rule's settings start with. */
export const enabled = z.boolean();
/** An amount of money in integer fen. */
export const fen = z.number().int('must be an integer amount in fen').nonnegative('must not be negative');
/** A non-empty list of non-empty labels. */
export const labels = z
  .array(z.string().trim().min(1, 'must not be empty'))
  .min(1, 'needs at least one value');
/** One non-empty label. */
export const label = z.string().trim().min(1);
/** 元 → fen. */
export const yuan = (value: number): number => value * 100;
