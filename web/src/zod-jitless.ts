import { z } from "zod";

/**
 * Zod compiles fast object parsers with `new Function` when it may; the console's CSP forbids eval
 * (`default-src 'self'`), and the probe alone logs a CSP violation. Imported first (main.tsx), before
 * any shared/ module builds a schema, so the console can use the same schemas as the API.
 */
z.config({ jitless: true });
