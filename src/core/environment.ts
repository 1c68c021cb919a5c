/**
 * Reading settings a bot folder names but does not hold: secrets and addresses in environment
 * variables, written `${NAME}` (or `${NAME:-default}`) in bot.yaml. Problems name the owner and
 * the variable, never a value, so they are safe to print.
 */

export type Environment = Readonly<Record<string, string | undefined>>;

const reference = /\$\{([^}]*)\}/g;
const variableName = /^[A-Z_][A-Z0-9_]*$/;

/**
 * Reads `variable` for `owner` (e.g. `connector "orders"`); an unset or empty one, or one with a
 * line break or NUL (which would split a header), adds a problem and gives undefined.
 */
export function readVariable(env: Environment, owner: string, variable: string, field: string, problems: string[]): string | undefined {
  const value = env[variable];
  if (value === undefined || value === '') {
    problems.push(`${owner}: the environment variable ${variable} (${field}) is not set`);
    return undefined;
  }
  if (/[\r\n\0]/.test(value)) {
    problems.push(`${owner}: the environment variable ${variable} (${field}) contains a line break or NUL character`);
    return undefined;
  }
  return value;
}

/**
 * `${NAME}` and `${NAME:-default}` (the default when NAME is unset or empty, as in a POSIX shell)
 * in `template`, filled in. `complete` is false when a variable was missing or a reference is not
 * written in upper case; each such problem is added to `problems`.
 */
export function expandVariables(
  template: string,
  env: Environment,
  owner: string,
  field: string,
  problems: string[],
): { readonly text: string; readonly complete: boolean } {
  let complete = true;
  let malformed = false;
  const text = template.replace(reference, (_match, inside: string) => {
    const split = inside.indexOf(':-');
    const variable = split === -1 ? inside : inside.slice(0, split);
    if (!variableName.test(variable)) {
      malformed = true;
      return '';
    }
    if (split !== -1 && (env[variable] === undefined || env[variable] === '')) return inside.slice(split + 2);
    const value = readVariable(env, owner, variable, field, problems);
    if (value === undefined) complete = false;
    return value ?? '';
  });
  if (malformed) problems.push(`${owner}: ${field} names an environment variable that is not written \${UPPER_CASE_NAME} (or \${UPPER_CASE_NAME:-default})`);
  return { text, complete: complete && !malformed };
}
