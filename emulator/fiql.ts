/**
 * A small FIQL (Feed Item Query Language) evaluator for `query=` on /orchestration/environments and
 * /orchestration/workspaces: `==` and `!=`, `;` (and) binds tighter than `,` (or), parentheses, `*` wildcards,
 * and quoted values ("..." or '...', backslash escapes) in which every metacharacter is literal.
 */
export type Predicate = (get: (field: string) => string | undefined) => boolean;

export class FiqlError extends Error {}

export function parseFiql(input: string): Predicate {
  let i = 0;
  const peek = () => input[i];
  const fail = (what: string): never => {
    throw new FiqlError(`invalid FIQL query at ${i}: ${what}`);
  };

  function value(): string {
    const q = peek();
    if (q === '"' || q === "'") {
      i++;
      let out = "";
      while (i < input.length && input[i] !== q) {
        if (input[i] === "\\") i++;
        out += input[i++] ?? "";
      }
      if (input[i] !== q) fail("unterminated quoted value");
      i++;
      return out.replace(/\*/g, "\\*");
    }
    const start = i;
    while (i < input.length && !";,()".includes(input[i] as string)) i++;
    if (i === start) fail("empty value");
    return input.slice(start, i);
  }

  function comparison(): Predicate {
    if (peek() === "(") {
      i++;
      const inner = or();
      if (peek() !== ")") fail("missing )");
      i++;
      return inner;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)(==|!=)/.exec(input.slice(i));
    if (!m) fail("expected field==value or field!=value");
    i += m![0].length;
    const [field, op] = [m![1] as string, m![2] as string];
    const pattern = value();
    const re = new RegExp(`^${pattern.split(/(?<!\\)\*/).map((part) => part.replace(/\\\*/g, "*").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    return (get) => {
      const v = get(field);
      const match = v !== undefined && re.test(v);
      return op === "==" ? match : !match;
    };
  }

  function and(): Predicate {
    const parts = [comparison()];
    while (peek() === ";") {
      i++;
      parts.push(comparison());
    }
    return (get) => parts.every((p) => p(get));
  }

  function or(): Predicate {
    const parts = [and()];
    while (peek() === ",") {
      i++;
      parts.push(and());
    }
    return (get) => parts.some((p) => p(get));
  }

  const predicate = or();
  if (i !== input.length) fail(`unexpected "${input.slice(i)}"`);
  return predicate;
}
