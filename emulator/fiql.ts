/**
 * A small FIQL evaluator for `query=` on /orchestration/environments and /orchestration/workspaces.
 *
 *   expression := and ("," and)*          -- "," is OR and binds looser than ";"
 *   and        := term (";" term)*        -- ";" is AND
 *   term       := "(" expression ")" | selector ("==" | "!=") value
 *   value      := quoted | bare
 *
 * A bare value runs up to the next reserved character (; , ( ) " ') and `*` in it matches any run of
 * characters. A quoted value ("..." or '...') is literal through and through: reserved characters and `*`
 * match themselves, and a backslash makes the next character literal (\" \' \\). That is what makes a
 * user-supplied name safe to embed: quote it and escape quotes and backslashes.
 */
export type Predicate = (get: (field: string) => string | undefined) => boolean;

export class FiqlError extends Error {}

/** One comparison value: literal text and wildcards, in order. */
type Pattern = (string | typeof WILDCARD)[];
const WILDCARD = Symbol("*");
const RESERVED = ";,()\"'";

export function parseFiql(input: string, fields: readonly string[]): Predicate {
  let i = 0;
  const fail = (what: string): never => {
    throw new FiqlError(`Invalid FIQL query at position ${i}: ${what}`);
  };

  function value(): Pattern {
    const quote = input[i];
    if (quote === '"' || quote === "'") {
      let text = "";
      for (i++; i < input.length && input[i] !== quote; i++) {
        if (input[i] === "\\") i++;
        if (i < input.length) text += input[i];
      }
      if (input[i] !== quote) fail("unterminated quoted value");
      i++;
      return [text];
    }
    const pattern: Pattern = [];
    const start = i;
    let text = "";
    for (; i < input.length && !RESERVED.includes(input[i]!); i++) {
      if (input[i] !== "*") text += input[i];
      else pattern.push(text, WILDCARD), (text = "");
    }
    if (i === start) fail("expected a value");
    pattern.push(text);
    return pattern;
  }

  function term(): Predicate {
    if (input[i] === "(") {
      i++;
      const inner = expression();
      if (input[i] !== ")") fail('expected ")"');
      i++;
      return inner;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)(==|!=|=[a-z]*=)?/.exec(input.slice(i));
    if (!m) fail("expected a selector such as name==value");
    const [whole, field, op] = m!;
    if (!fields.includes(field!)) fail(`unknown selector "${field}" (supported: ${fields.join(", ")})`);
    i += whole.length;
    if (op !== "==" && op !== "!=") fail(op ? `unsupported operator "${op}"` : 'expected "==" or "!="');
    const re = toRegExp(value());
    return (get) => {
      const v = get(field!);
      const hit = v !== undefined && re.test(v);
      return op === "==" ? hit : !hit;
    };
  }

  function and(): Predicate {
    const parts = [term()];
    while (input[i] === ";") i++, parts.push(term());
    return (get) => parts.every((p) => p(get));
  }

  function expression(): Predicate {
    const parts = [and()];
    while (input[i] === ",") i++, parts.push(and());
    return (get) => parts.some((p) => p(get));
  }

  const predicate = expression();
  if (i !== input.length) fail(`unexpected "${input.slice(i)}"`);
  return predicate;
}

function toRegExp(pattern: Pattern): RegExp {
  const source = pattern.map((p) => (p === WILDCARD ? "[\\s\\S]*" : p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))).join("");
  return new RegExp(`^${source}$`);
}
