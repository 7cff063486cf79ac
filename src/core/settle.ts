/**
 * Waits for `work` at most `ms`: true when it settled in time, false when the time ran out first
 * (`work` then goes on by itself). For stops that must not hang on a send or run in flight.
 */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timeout: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timeout);
  return settled;
}
