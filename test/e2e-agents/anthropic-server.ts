/**
 * A scripted model server on 127.0.0.1 speaking the Anthropic Messages API (what Claude Code
 * talks to with ANTHROPIC_BASE_URL): each turn of the main loop (a request that offers tools)
 * answers with the next scripted tool call, then with a plain "done"; side requests (titles,
 * summaries, token counts) get a short text. Every request is recorded, so a test can read what
 * the agent sent back: the tool_result of each call, i.e. the command's output or the reason a
 * hook gave the model.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { run } from './scenario.js';

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResult {
  toolUseId: string;
  content: string;
  isError: boolean;
}

export interface ScriptedServer {
  url: string;
  /** The tool_result blocks the agent sent back, in order. */
  results(): ToolResult[];
  /** Every request body the agent sent, in order (to find text a hook gave the model). */
  bodies(): string[];
  close(): Promise<void>;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c) => (c && typeof c === 'object' && 'text' in c ? String((c as { text: unknown }).text) : '')).join('');
  return '';
}

export async function startAnthropicServer(script: ToolCall[]): Promise<ScriptedServer> {
  let step = 0;
  const results = new Map<string, ToolResult>();
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      bodies.push(body);
      let json: { tools?: unknown[]; stream?: boolean; model?: string; messages?: Array<{ role: string; content: unknown }> } = {};
      try {
        json = JSON.parse(body);
      } catch {
        // not JSON: answered as a side request
      }
      for (const message of json.messages ?? []) {
        if (message.role !== 'user' || !Array.isArray(message.content)) continue;
        for (const block of message.content as Array<Record<string, unknown>>) {
          if (block.type === 'tool_result') {
            const id = String(block.tool_use_id);
            results.set(id, { toolUseId: id, content: textOf(block.content), isError: block.is_error === true });
          }
        }
      }
      if (!req.url?.startsWith('/v1/messages') || req.url.includes('count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ input_tokens: 10 }));
        return;
      }
      const call = (json.tools ?? []).length > 0 && step < script.length ? script[step++] : undefined;
      const id = `msg_${step}_${Date.now()}`;
      const toolId = `toolu_${step}`;
      const content = call ? [{ type: 'tool_use', id: toolId, name: call.name, input: call.input }] : [{ type: 'text', text: 'done' }];
      const stop = call ? 'tool_use' : 'end_turn';
      const usage = { input_tokens: 10, output_tokens: 10 };
      if (!json.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id, type: 'message', role: 'assistant', model: json.model, content, stop_reason: stop, stop_sequence: null, usage }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const event = (type: string, data: object): void => {
        res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      };
      event('message_start', { message: { id, type: 'message', role: 'assistant', model: json.model, content: [], stop_reason: null, stop_sequence: null, usage } });
      if (call) {
        event('content_block_start', { index: 0, content_block: { type: 'tool_use', id: toolId, name: call.name, input: {} } });
        event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(call.input) } });
      } else {
        event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
        event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'done' } });
      }
      event('content_block_stop', { index: 0 });
      event('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 10 } });
      event('message_stop', {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    results: () => [...results.values()],
    bodies: () => [...bodies],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Claude Code headless (`claude -p PROMPT --dangerously-skip-permissions`) in `cwd` against a
 * server answering `script`: its exit, output, and the tool results the model was sent. `IS_SANDBOX`
 * lets it skip permissions as root; telemetry, updates and other traffic stay off.
 */
export async function runClaudeScripted(bin: string, script: ToolCall[], prompt: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string; results: ToolResult[]; bodies: string[] }> {
  const server = await startAnthropicServer(script);
  try {
    const result = await run(bin, ['-p', prompt, '--dangerously-skip-permissions', '--output-format', 'json'], cwd, {
      ...env,
      ANTHROPIC_BASE_URL: server.url,
      ANTHROPIC_API_KEY: 'sk-ant-e2e-test',
      IS_SANDBOX: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    });
    return { ...result, results: server.results(), bodies: server.bodies() };
  } finally {
    await server.close();
  }
}
