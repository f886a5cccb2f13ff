/**
 * Asks each question in turn on the terminal and reads one line per question without echoing it
 * (raw mode: every key is handled here, so nothing is printed). Only for a TTY; Ctrl-C or Ctrl-D
 * cancels. Input typed ahead (several lines in one chunk) is kept for the next question.
 */
export function promptHidden(questions: string[]): Promise<string[]> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    const answers: string[] = [];
    let value = '';
    const finish = (outcome: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      outcome();
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          answers.push(value);
          value = '';
          process.stdout.write('\n');
          if (answers.length === questions.length) return finish(() => resolve(answers));
          process.stdout.write(questions[answers.length]);
        } else if (char === '\u0003' || char === '\u0004') {
          return finish(() => reject(new Error('Cancelled')));
        } else if (char === '\u007f' || char === '\b') {
          value = value.slice(0, -1);
        } else {
          value += char;
        }
      }
    };
    // Echo off before the question appears, so nothing typed after it is ever shown.
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
    process.stdout.write(questions[0]);
  });
}

/** The password typed twice; refused when the two differ. */
export async function promptNewPassword(): Promise<string> {
  const [first, second] = await promptHidden(['Password: ', 'Repeat password: ']);
  if (first !== second) throw new Error('The passwords differ; nothing was created');
  return first;
}
