/**
 * One Lambda cold start, as a fresh container has it: loads the handler module named on the command line and
 * invokes it once with a LaunchRequest (a DynamoDB read and write), answering through the callback or the returned
 * promise, as Lambda takes either. Prints `{ ms, speech }`: milliseconds from this process's start to the answer.
 */
const [file, userId] = process.argv.slice(2);
const skillId = process.env.SKILL_ID ?? 'amzn1.ask.skill.00000000-0000-0000-0000-000000000000';
const user = { userId };
const event = {
  version: '1.0',
  session: { new: true, sessionId: `session.${userId}`, application: { applicationId: skillId }, user },
  context: { System: { application: { applicationId: skillId }, user, apiEndpoint: 'https://api.amazonalexa.com' } },
  request: { type: 'LaunchRequest', requestId: `request.${userId}`, timestamp: new Date().toISOString(), locale: 'en-US' },
};

type Handler = (event: unknown, context: unknown, callback: (error: unknown, result?: unknown) => void) => Promise<unknown> | undefined;
const { handler } = require(file) as { handler: Handler };
let answered = false;
const answer = (result: unknown) => {
  if (answered || result === undefined) return;
  answered = true;
  const speech = (result as { response?: { outputSpeech?: { ssml?: string } } }).response?.outputSpeech?.ssml ?? null;
  process.stderr.write(`${JSON.stringify({ ms: process.uptime() * 1000, speech })}\n`);
};
void Promise.resolve(handler(event, {}, (error, result) => (error ? process.exit(1) : answer(result)))).then(answer, () => process.exit(1));
