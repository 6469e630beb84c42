/**
 * A scripted model server on 127.0.0.1 speaking the OpenAI Responses API, streamed (what Codex
 * talks to through a custom `model_provider` with `wire_api = "responses"`): each request answers
 * with the next scripted call, then with a plain "done". A call is a function call (JSON
 * arguments: Codex's exec_command) or a freeform custom tool call (one text input: Codex's
 * apply_patch, offered as a `custom` tool to the models its catalog gives
 * `apply_patch_tool_type: "freeform"`). The `function_call_output` / `custom_tool_call_output`
 * items the agent sends back (the command's output, or the reason a hook gave) are recorded, and
 * the tools the agent offered in its first request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FunctionCall {
  name: string;
  args: Record<string, unknown>;
}

/** A custom (freeform) tool call: `input` is the raw text the tool receives (a patch). */
export interface CustomToolCall {
  name: string;
  input: string;
}

export type ScriptedCall = FunctionCall | CustomToolCall;

/** A tool the agent offered the model: its type (`function`, `custom`, ...) and name. */
export interface OfferedTool {
  type: string;
  name: string | undefined;
}

export interface ScriptedResponses {
  url: string;
  /** function_call_output / custom_tool_call_output by call id, in the order the calls were made. */
  outputs(): string[];
  /** The tools of the agent's first request. */
  offered(): OfferedTool[];
  /** Every request body the agent sent, in order (to find text a hook gave the model). */
  bodies(): string[];
  close(): Promise<void>;
}

export async function startResponsesServer(script: ScriptedCall[]): Promise<ScriptedResponses> {
  let step = 0;
  const outputs = new Map<string, string>();
  let offered: OfferedTool[] | undefined;
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      bodies.push(body);
      let json: { input?: Array<Record<string, unknown>>; tools?: Array<Record<string, unknown>> } = {};
      try {
        json = JSON.parse(body);
      } catch {
        // answered as a plain request
      }
      for (const item of json.input ?? []) {
        if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') outputs.set(String(item.call_id), typeof item.output === 'string' ? item.output : JSON.stringify(item.output));
      }
      if (!req.url?.includes('/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{}');
        return;
      }
      offered ??= (json.tools ?? []).map((t) => ({ type: String(t.type), name: typeof t.name === 'string' ? t.name : undefined }));
      const call = step < script.length ? script[step++] : undefined;
      const item = !call
        ? { type: 'message', id: `msg_${step}`, role: 'assistant', content: [{ type: 'output_text', text: 'done', annotations: [] }] }
        : 'input' in call
          ? { type: 'custom_tool_call', id: `ctc_${step}`, call_id: `call_${step}`, name: call.name, input: call.input }
          : { type: 'function_call', id: `fc_${step}`, call_id: `call_${step}`, name: call.name, arguments: JSON.stringify(call.args) };
      const id = `resp_${step}_${Date.now()}`;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const event = (type: string, data: object): void => {
        res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      };
      event('response.created', { response: { id } });
      event('response.output_item.done', { output_index: 0, item });
      const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 20 };
      event('response.completed', { response: { id, usage } });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    offered: () => offered ?? [],
    outputs: () => [...outputs.entries()].sort((a, b) => Number(a[0].slice(5)) - Number(b[0].slice(5))).map(([, v]) => v),
    bodies: () => [...bodies],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
