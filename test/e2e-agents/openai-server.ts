/**
 * A scripted model server on 127.0.0.1 speaking OpenAI chat completions, streamed or not (what
 * Copilot CLI talks to with COPILOT_OFFLINE and COPILOT_PROVIDER_BASE_URL, and OpenCode through an
 * OpenAI-compatible provider): each request that offers tools answers with the next scripted
 * tool call, then with a plain "done". The `role: "tool"` messages the agent sends back (the
 * command's output, or the reason a hook gave) are recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OpenAICall {
  name: string;
  args: Record<string, unknown>;
}

export interface ScriptedOpenAI {
  url: string;
  /** The content of each tool message the agent sent back, in order. */
  toolMessages(): string[];
  /** The names of the function tools of the first request that offered tools. */
  offered(): string[];
  /** Every request body the agent sent, in order (to find text a hook gave the model). */
  bodies(): string[];
  close(): Promise<void>;
}

export async function startOpenAIServer(script: OpenAICall[]): Promise<ScriptedOpenAI> {
  let step = 0;
  let tools: string[] = [];
  let offered: string[] | undefined;
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      bodies.push(body);
      let json: { model?: string; stream?: boolean; tools?: unknown[]; messages?: Array<{ role: string; content: unknown }> } = {};
      try {
        json = JSON.parse(body);
      } catch {
        // answered as a side request
      }
      // Every request carries the whole history: the latest holds every tool message so far.
      const seen = (json.messages ?? []).filter((m) => m.role === 'tool').map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
      if (seen.length > tools.length) tools = seen;
      if (req.url?.includes('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: json.model ?? 'e2e-model', object: 'model' }] }));
        return;
      }
      if ((json.tools ?? []).length > 0) offered ??= (json.tools as Array<{ function?: { name?: unknown } }>).map((t) => String(t.function?.name));
      const call = (json.tools ?? []).length > 0 && step < script.length ? script[step++] : undefined;
      const id = `chatcmpl-${step}`;
      const toolCall = call ? { id: `call_${step}`, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } } : undefined;
      const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
      if (!json.stream) {
        const message = toolCall ? { role: 'assistant', content: null, tool_calls: [toolCall] } : { role: 'assistant', content: 'done' };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id, object: 'chat.completion', created: 1, model: json.model, choices: [{ index: 0, message, finish_reason: toolCall ? 'tool_calls' : 'stop' }], usage }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const chunk = (choices: object[], extra: object = {}): void => {
        res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model: json.model, choices, ...extra })}\n\n`);
      };
      if (toolCall) chunk([{ index: 0, delta: { role: 'assistant', tool_calls: [{ index: 0, ...toolCall }] }, finish_reason: null }]);
      else chunk([{ index: 0, delta: { role: 'assistant', content: 'done' }, finish_reason: null }]);
      chunk([{ index: 0, delta: {}, finish_reason: toolCall ? 'tool_calls' : 'stop' }]);
      chunk([], { usage });
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    toolMessages: () => tools,
    offered: () => offered ?? [],
    bodies: () => [...bodies],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
