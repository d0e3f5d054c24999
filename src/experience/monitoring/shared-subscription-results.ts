/**
 * One execution per event for identical subscriptions, shared by all their subscribers.
 *
 * graphql-js executes a subscription's selection once per subscriber per event. For a
 * dashboard feed like HealthChanged, 1,000 subscribers asking the same thing with the same
 * role get the same answer 1,000 times over; executing it 1,000 times was most of the delivery
 * time against a bare graphql-ws server (BENCHMARKS.md scenario 4). Here the result is
 * computed once per (event, role, operation, variables) and every such subscriber is sent
 * that one result; graphql-ws still serializes and sends one message per subscriber.
 *
 * Only fields listed in `sharedFields` are shared: their answers depend on nothing but the
 * event, the arguments and the caller's role (never on who the caller is).
 */
import { createSourceEventStream, execute, getOperationAST, print, subscribe, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { JunctionContext } from '../context';

type OperationResult = ReturnType<typeof subscribe>;

/** The subscription fields whose results may be shared between callers of one role. */
export const SHARED_RESULT_FIELDS: ReadonlySet<string> = new Set(['healthChanged']);

export function sharedResultSubscribe(sharedFields: ReadonlySet<string> = SHARED_RESULT_FIELDS): (args: ExecutionArgs) => OperationResult {
  /** Per event payload (the same object reaches every subscriber of a topic): results by subscription key. */
  const resultsByEvent = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  const printed = new WeakMap<DocumentNode, string>();

  return async (args) => {
    const key = shareKey(args, sharedFields, printed);
    if (key === undefined) return subscribe(args);
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream;
    return mapAsyncIterable(stream, (payload) => {
      if (payload === null || typeof payload !== 'object') return execute({ ...args, rootValue: payload });
      let results = resultsByEvent.get(payload);
      if (!results) resultsByEvent.set(payload, (results = new Map()));
      let result = results.get(key);
      if (!result) {
        result = Promise.resolve(execute({ ...args, rootValue: payload })) as Promise<ExecutionResult>;
        results.set(key, result);
      }
      return result;
    });
  };
}

/** The sharing key, or undefined when this operation's results must not be shared. */
function shareKey(args: ExecutionArgs, sharedFields: ReadonlySet<string>, printed: WeakMap<DocumentNode, string>): string | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  if (operation?.operation !== 'subscription') return undefined;
  const [field, ...more] = operation.selectionSet.selections;
  if (!field || more.length > 0 || field.kind !== 'Field' || !sharedFields.has(field.name.value)) return undefined;
  const role = (args.contextValue as JunctionContext | undefined)?.principal?.role;
  if (!role) return undefined;
  let text = printed.get(args.document);
  if (text === undefined) printed.set(args.document, (text = print(args.document)));
  return `${role}\n${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}\n${text}`;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';
}

/** graphql-js's own mapping (graphql/execution/mapAsyncIterator, internal there): return() reaches the source at once. */
function mapAsyncIterable(iterable: AsyncIterable<unknown>, map: (value: unknown) => ExecutionResult | Promise<ExecutionResult>): AsyncGenerator<ExecutionResult, void, void> {
  const iterator = iterable[Symbol.asyncIterator]();
  const closeIgnoringErrors = async () => {
    try {
      await iterator.return?.();
    } catch {
      // Keep the original error when closing the source also fails.
    }
  };
  const mapResult = async (result: IteratorResult<unknown>): Promise<IteratorResult<ExecutionResult, void>> => {
    if (result.done) return { value: undefined, done: true };
    try {
      return { value: await map(result.value), done: false };
    } catch (error) {
      await closeIgnoringErrors();
      throw error;
    }
  };
  const mapped: AsyncGenerator<ExecutionResult, void, void> = {
    next: async () => mapResult(await iterator.next()),
    return: async () => (iterator.return ? mapResult(await iterator.return()) : { value: undefined, done: true }),
    throw: async (error: unknown) => {
      if (iterator.throw) return mapResult(await iterator.throw(error));
      await closeIgnoringErrors();
      throw error;
    },
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}
