// "Did you mean …?" for misspelt names (descriptor properties, commands): the first candidate that
// is a prefix either way (three letters at least) or at most two edits away, case-insensitively.

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The candidate `name` was probably meant to be, or undefined. */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  return candidates.find((c) => {
    const candidate = c.toLowerCase();
    return (lower.length >= 3 && (candidate.startsWith(lower) || lower.startsWith(candidate))) || editDistance(lower, candidate) <= 2;
  });
}
