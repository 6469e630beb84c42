/**
 * A scripted model server on 127.0.0.1 speaking the Gemini API (what Gemini CLI talks to with
 * GOOGLE_GEMINI_BASE_URL and a GEMINI_API_KEY): each request that offers function declarations
 * answers with the next scripted function call, then with a plain "done" (side requests, such as
 * the next-speaker check, get a JSON text). The functionResponse parts the agent sends back are
 * recorded: the command's output, or the reason a hook gave.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GeminiCall {
  name: string;
  args: Record<string, unknown>;
}

export interface ScriptedGemini {
  url: string;
  /** Each functionResponse.response the agent sent back, in order, as JSON text. */
  responses(): string[];
  close(): Promise<void>;
}

export async function startGeminiServer(script: GeminiCall[]): Promise<ScriptedGemini> {
  let step = 0;
  let responses: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      let json: { contents?: Array<{ parts?: Array<Record<string, any>> }>; tools?: Array<{ functionDeclarations?: unknown[] }> } = {};
      try {
        json = JSON.parse(body);
      } catch {
        // answered as a side request
      }
      // The whole history comes with every request: the latest one holds every response so far.
      const seen = (json.contents ?? []).flatMap((c) => (c.parts ?? []).filter((p) => p.functionResponse).map((p) => JSON.stringify(p.functionResponse.response)));
      if (seen.length > responses.length) responses = seen;
      if (req.url?.includes(':countTokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ totalTokens: 10 }));
        return;
      }
      const offersTools = (json.tools ?? []).some((t) => (t.functionDeclarations ?? []).length > 0);
      const call = offersTools && step < script.length ? script[step++] : undefined;
      const parts = call ? [{ functionCall: { name: call.name, args: call.args } }] : [{ text: req.url?.includes(':generateContent') ? '{"next_speaker":"user","reasoning":"done"}' : 'done' }];
      const payload = { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 10, totalTokenCount: 20 } };
      if (req.url?.includes(':streamGenerateContent')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`data: ${JSON.stringify(payload)}\n\n`);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    responses: () => responses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
