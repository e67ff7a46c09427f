// Queue selection per dequeue attempt (spec §6.1): strict priority (always the same order) or weighted
// random order in which a queue's chance to come first is proportional to its priority.

/** A function returning a uniform random number in [0, 1). */
export type RandomSource = () => number;

/** Queue names by priority descending (ties by name, so the order is deterministic). */
export function strictOrder(queues: Readonly<Record<string, number>>): string[] {
  return Object.entries(queues)
    .sort(([a, pa], [b, pb]) => pb - pa || (a < b ? -1 : a > b ? 1 : 0))
    .map(([name]) => name);
}

/**
 * Weighted order, distributed exactly as Go's "repeat each name priority/gcd times, shuffle, keep first
 * occurrences": each next queue is drawn among the remaining ones with probability proportional to priority.
 */
export function weightedOrder(queues: Readonly<Record<string, number>>, random: RandomSource = Math.random): string[] {
  const rest = Object.entries(queues);
  const out: string[] = [];
  let total = rest.reduce((s, [, p]) => s + p, 0);
  while (rest.length > 1) {
    let r = random() * total;
    let i = 0;
    for (; i < rest.length - 1; i++) {
      r -= rest[i]![1];
      if (r < 0) break;
    }
    const [name, p] = rest.splice(i, 1)[0]!;
    out.push(name);
    total -= p;
  }
  if (rest.length === 1) out.push(rest[0]![0]);
  return out;
}

/** Returns a function giving the queue order for the next dequeue attempt. */
export function queueOrderer(
  queues: Readonly<Record<string, number>>,
  strict: boolean,
  random: RandomSource = Math.random,
): () => readonly string[] {
  const names = Object.keys(queues);
  if (names.length === 1 || strict) {
    const fixed = Object.freeze(strictOrder(queues));
    return () => fixed;
  }
  return () => weightedOrder(queues, random);
}
