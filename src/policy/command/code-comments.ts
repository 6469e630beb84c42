/**
 * Configuration text without its comments, for the readers of JSONC (deno.jsonc) and HCL
 * (atlas.hcl): `//` and block comments, and `#` lines where the format has them, taken out;
 * double-quoted strings kept as they stand (a `//` in a URL is not a comment). A line comment
 * leaves its newline, a block comment a blank, so what follows keeps its place.
 */
export function withoutComments(text: string, options: { hash: boolean }): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if ((c === '#' && options.hash) || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
      out += ' ';
    } else out += c;
  }
  return out;
}
