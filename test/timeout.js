// Every test of the repository may take 30 s: many start and stop real servers.
jest.setTimeout(30_000);
