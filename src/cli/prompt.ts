/** Asking a person at the terminal (only ever called when stdin and stdout are terminals). */
import { createInterface } from 'node:readline/promises';

/** Reads one line of answer; returns the trimmed text. */
export async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** Yes/no question; an empty answer means `byDefault`. */
export async function confirm(question: string, byDefault: boolean): Promise<boolean> {
  const answer = (await ask(question)).toLowerCase();
  if (answer === '') return byDefault;
  return answer === 'y' || answer === 'yes';
}
