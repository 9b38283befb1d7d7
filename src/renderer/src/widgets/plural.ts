/** "1 crash", "2 crashes": a count with its noun in the right number. */
export const plural = (count: number, one: string, many = `${one}s`): string => `${count.toLocaleString()} ${count === 1 ? one : many}`;
