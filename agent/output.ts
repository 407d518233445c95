/** A result line on stdout (stderr carries progress, warnings and errors), for scripts to read. */
export const out = (line: string) => process.stdout.write(`${line}\n`);
