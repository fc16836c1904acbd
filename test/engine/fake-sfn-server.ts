/**
 * A small Step Functions endpoint on 127.0.0.1 speaking AWS JSON 1.0
 * (`x-amz-target: AWSStepFunctions.<Operation>`), so the real SDK client
 * serialises, signs and parses. It keeps AWS's rules that matter to the engine:
 * names unique per state machine, an idempotent success for a repeated start of
 * a RUNNING name with the same input, paginated history and listings.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

export interface FakeExecution {
  name: string;
  stateMachineArn: string;
  executionArn: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  /** Wire-form history events without ids (added when served). */
  events: Json[];
}

class WireError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export class FakeSfn {
  readonly calls: Array<{ op: string; body: Json }> = [];
  readonly executions = new Map<string, FakeExecution>();
  /** Page size for GetExecutionHistory and ListExecutions, whatever maxResults asks. */
  pageSize = 1000;
  private readonly machines = new Set<string>();
  private readonly injected: Array<{ op: string; type: string }> = [];
  private server: Server | undefined;
  private clock = Date.parse('2024-03-04T10:00:00.000Z');

  addStateMachine(arn: string): void {
    this.machines.add(arn);
  }

  /** The next call of `op` fails with this AWS error type. */
  inject(op: string, type: string): void {
    this.injected.push({ op, type });
  }

  finish(executionArn: string, end: Partial<FakeExecution> & { status: FakeExecution['status'] }): void {
    const e = this.executions.get(executionArn)!;
    Object.assign(e, end, { stopDate: this.tick() });
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private tick(): number {
    this.clock += 1000;
    return this.clock / 1000;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.replace(/^AWSStepFunctions\./, '');
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Json;
    this.calls.push({ op, body });
    try {
      if (!target.startsWith('AWSStepFunctions.') || req.headers['content-type'] !== 'application/x-amz-json-1.0') {
        throw new WireError('UnknownOperationException', `bad request ${target}`);
      }
      const i = this.injected.findIndex((x) => x.op === op);
      if (i >= 0) throw new WireError(this.injected.splice(i, 1)[0]!.type, 'injected');
      this.reply(res, 200, this.operate(op, body));
    } catch (error) {
      const type = error instanceof WireError ? error.type : 'InternalFailure';
      this.reply(res, error instanceof WireError ? 400 : 500, { __type: `com.amazonaws.states#${type}`, message: (error as Error).message });
    }
  }

  private operate(op: string, body: Json): Json {
    switch (op) {
      case 'StartExecution':
        return this.start(body);
      case 'DescribeExecution': {
        const e = this.get(String(body.executionArn));
        return { ...this.summary(e), input: e.input, output: e.output, error: e.error, cause: e.cause };
      }
      case 'GetExecutionHistory': {
        const e = this.get(String(body.executionArn));
        const events = e.events.map((ev, i) => ({ id: i + 1, previousEventId: i, ...ev }));
        return this.page(events, body, 'events');
      }
      case 'ListExecutions': {
        const arn = String(body.stateMachineArn);
        if (!this.machines.has(arn)) throw new WireError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
        const items = [...this.executions.values()]
          .filter((e) => e.stateMachineArn === arn && (!body.statusFilter || e.status === body.statusFilter))
          .sort((a, b) => b.startDate - a.startDate)
          .map((e) => this.summary(e));
        return this.page(items, body, 'executions');
      }
      case 'StopExecution': {
        const e = this.get(String(body.executionArn));
        if (e.status === 'RUNNING') this.finish(e.executionArn, { status: 'ABORTED', ...(body.error ? { error: String(body.error) } : {}), ...(body.cause ? { cause: String(body.cause) } : {}) });
        return { stopDate: e.stopDate };
      }
      default:
        throw new WireError('UnknownOperationException', op);
    }
  }

  private start(body: Json): Json {
    const machine = String(body.stateMachineArn);
    if (!this.machines.has(machine)) throw new WireError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${machine}'`);
    const name = String(body.name);
    const executionArn = `${machine.replace(':stateMachine:', ':execution:')}:${name}`;
    const input = String(body.input ?? '{}');
    const existing = this.executions.get(executionArn);
    if (existing) {
      // AWS: same name and input while RUNNING is idempotent; anything else is a conflict.
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn, startDate: existing.startDate };
      throw new WireError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const startDate = this.tick();
    this.executions.set(executionArn, {
      name,
      stateMachineArn: machine,
      executionArn,
      status: 'RUNNING',
      input,
      startDate,
      events: [{ timestamp: startDate, type: 'ExecutionStarted', executionStartedEventDetails: { input, roleArn: 'arn:aws:iam::123456789012:role/sfn' } }],
    });
    return { executionArn, startDate };
  }

  private get(arn: string): FakeExecution {
    const e = this.executions.get(arn);
    if (!e) throw new WireError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  private summary(e: FakeExecution): Json {
    return { executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status, startDate: e.startDate, stopDate: e.stopDate };
  }

  private page(items: unknown[], body: Json, key: string): Json {
    const size = Math.min(this.pageSize, Number(body.maxResults ?? 100) || 100);
    const from = body.nextToken ? Number(body.nextToken) : 0;
    const next = from + size < items.length ? String(from + size) : undefined;
    return { [key]: items.slice(from, from + size), ...(next ? { nextToken: next } : {}) };
  }

  private reply(res: ServerResponse, status: number, body: Json): void {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(body));
  }
}
