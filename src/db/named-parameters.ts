/**
 * Parameters named in a hand-written PostgreSQL statement: `$('email', 'text')` writes `$n::text`,
 * numbered as the text names each parameter first (the same name, the same number), and `values`
 * lists a call's values in that order, null for a name the call does not give.
 */
export function namedParameters() {
  const names: string[] = [];
  return {
    $(name: string, type: string): string {
      let index = names.indexOf(name);
      if (index === -1) index = names.push(name) - 1;
      return `$${index + 1}::${type}`;
    },
    values(given: Record<string, unknown>): unknown[] {
      return names.map((name) => given[name] ?? null);
    },
  };
}
