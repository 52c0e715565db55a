// Generates web/client/src/generated/openapi.ts from docs/openapi.json with
// openapi-typescript (the whole document: every route, schema and header, so
// a route added to the document appears here when this runs again).
//
//   node scripts/gen-types.mjs           write the file
//   node scripts/gen-types.mjs --check   exit 1 when the committed file differs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import openapiTS, { astToString } from 'openapi-typescript';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DOCUMENT = join(web, '..', 'docs', 'openapi.json');
export const OUTPUT = join(web, 'client', 'src', 'generated', 'openapi.ts');

const HEADER = `// Generated from docs/openapi.json by web/scripts/gen-types.mjs (openapi-typescript).
// Do not edit: run \`npm --prefix web run gen:types\` after the document changes.
`;

/** The generated module's text, from the document as it is on disk now. */
export async function generate(document = DOCUMENT) {
  const ast = await openapiTS(pathToFileURL(document), { alphabetize: true });
  return HEADER + astToString(ast);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const text = await generate();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(OUTPUT, 'utf8');
    if (committed !== text) {
      console.error(`${OUTPUT} is out of date with docs/openapi.json: run npm --prefix web run gen:types`);
      process.exit(1);
    }
    console.log('generated types match docs/openapi.json');
  } else {
    writeFileSync(OUTPUT, text);
    console.log(`wrote ${OUTPUT}`);
  }
}
