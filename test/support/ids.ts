import { checkCharacter } from '@jiandu/domain/normalize/id';

/** A valid 18-digit ID number for tests: fictional area 431199, the given birth date and sequence. */
export function testId(birth: string, sequence: number): string {
  const first17 = `431199${birth.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}
