/** A connection reset as Node reports it (`read ECONNRESET`): the transient fault the tests inject. */
export const connectionReset = (): Error =>
  Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' });
