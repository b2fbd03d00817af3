import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsersFileProblem, userBatches } from '../src/cli/usersFile';

function usersFile(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'users-file-')), 'users.txt');
  fs.writeFileSync(file, text);
  return file;
}

const all = (file: string, before?: string[]) => [...userBatches(file, before)].flat();

it('reads one id per line, each once, skipping blank lines and comments, across chunks', () => {
  const ids = Array.from({ length: 5000 }, (_, i) => `amzn1.ask.account.${'X'.repeat(40)}${i}`);
  const file = usersFile(`# users\n${ids.join('\r\n')}\n\n${ids[0]}\n`);
  const batches = [...userBatches(file)];
  expect(batches.length).toBeGreaterThan(1);
  expect(batches.flat()).toEqual(ids);
});

it('reads a JSON array of ids, escapes and all, and leaves out those given before', () => {
  const file = usersFile(' [ "a", "b\\"c" ,\n"a", "d" ]\n');
  expect(all(file, ['d'])).toEqual(['a', 'b"c']);
});

it('refuses a JSON file that is not an array of non-empty ids', () => {
  for (const text of ['["a", 1]', '["a",]', '["a"', '[""]']) {
    expect(() => all(usersFile(text))).toThrow(UsersFileProblem);
  }
});
