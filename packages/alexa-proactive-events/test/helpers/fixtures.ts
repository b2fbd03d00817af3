import * as fs from 'fs';
import * as path from 'path';

/** Amazon's schema page examples, which the package ships. */
const examples = path.join(__dirname, '..', '..', 'examples');

/**
 * The schema page examples as request bodies, by file name. Typed as JSON.parse types them, as a body read from a file
 * is: the sender checks them at run time, and tests spread and break them freely.
 */
export function example(file: string): any {
  return JSON.parse(fs.readFileSync(path.join(examples, file), 'utf8'));
}

export const EXAMPLE_FILES = fs.readdirSync(examples).sort();
