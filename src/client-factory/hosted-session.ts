import type { Result, Session, Transaction } from 'neo4j-driver';
import { checkStatement, type DatabaseScope, queryOf } from './database-scope.js';

/**
 * The objects a user on a shared host gets from their client: sessions,
 * transactions and results that hold the host driver's objects in closures
 * only. Each has the methods users call and nothing else, frozen, with no
 * field, prototype or internal of the driver within reach: a driver's
 * internals hold the host's password, and its prototype methods open any
 * database when handed one of its objects.
 */

type Runner = { run: (query: never, parameters?: never, config?: never) => Result };
type Call = (...args: unknown[]) => unknown;

/**
 * `run` of a session or transaction: the query read once, checked, and that
 * very text sent (with the parameters of a `{ text, parameters }` query, as
 * neo4j-driver does).
 */
function checkedRun(runner: Runner, scope: DatabaseScope) {
  const run = runner.run.bind(runner) as unknown as Call;
  return (query: unknown, parameters?: unknown, config?: unknown) => {
    const read = queryOf(scope, query);
    checkStatement(scope, read.text);
    const sent = typeof query === 'object' && query !== null ? (read.parameters ?? {}) : parameters;
    return hostedResult(run(read.text, sent, config) as Result);
  };
}

/** A result's methods, over the driver's `Result` (which holds the connection and its pool). */
export function hostedResult(result: Result): Result {
  const call = (name: string) => (result as unknown as Record<string, Call>)[name]?.bind(result);
  const then = call('then') as Call;
  const as = call('as');
  return Object.freeze({
    keys: call('keys'),
    summary: call('summary'),
    peek: call('peek'),
    isOpen: call('isOpen'),
    subscribe: call('subscribe'),
    // biome-ignore lint/suspicious/noThenProperty: a Result is awaited for its records, as neo4j-driver's is
    then: (onFulfilled?: Call, onRejected?: Call) => then(onFulfilled, onRejected),
    catch: (onRejected?: Call) => then(undefined, onRejected),
    finally: call('finally'),
    ...(as && { as: (...args: unknown[]) => hostedResult(as(...args) as Result) }),
    [Symbol.asyncIterator]() {
      const iterator = result[Symbol.asyncIterator]() as AsyncIterator<unknown> & { peek?: Call };
      return Object.freeze({
        next: () => iterator.next(),
        return: (value?: unknown) =>
          iterator.return?.(value) ?? Promise.resolve({ done: true, value }),
        peek: () => iterator.peek?.(),
        [Symbol.asyncIterator]() {
          return this;
        },
      });
    },
    [Symbol.toStringTag]: 'Result',
  }) as unknown as Result;
}

/** A transaction of `beginTransaction`, awaited: run (checked), commit, rollback, close. */
function hostedTransaction(tx: Transaction, scope: DatabaseScope): Transaction {
  return Object.freeze({
    run: checkedRun(tx as unknown as Runner, scope),
    commit: () => tx.commit(),
    rollback: () => tx.rollback(),
    close: () => tx.close(),
    isOpen: () => tx.isOpen(),
    [Symbol.asyncDispose]: () => tx.close(),
  }) as unknown as Transaction;
}

/** `beginTransaction()`: usable at once (`run`, `commit`...) or awaited for the transaction. */
function pendingTransaction(
  pending: ReturnType<Session['beginTransaction']>,
  scope: DatabaseScope,
) {
  const tx = hostedTransaction(pending, scope);
  const begun = () => pending.then(() => tx);
  return Object.freeze({
    ...tx,
    // biome-ignore lint/suspicious/noThenProperty: beginTransaction() is awaited for the transaction, as neo4j-driver's is
    then: (onFulfilled?: Call, onRejected?: Call) => begun().then(onFulfilled, onRejected),
    catch: (onRejected?: Call) => begun().then(undefined, onRejected),
    finally: (onFinally?: () => void) => begun().finally(onFinally),
  });
}

/** `executeRead`/`executeWrite`: the work gets a transaction with `run` alone, checked. */
function managedWork(session: Session, name: 'executeRead' | 'executeWrite', scope: DatabaseScope) {
  const execute = session[name].bind(session) as unknown as Call;
  return (work: (tx: unknown) => unknown, config?: unknown) =>
    execute((tx: Runner) => work(Object.freeze({ run: checkedRun(tx, scope) })), config);
}

/**
 * A session on the user's database, over one of the host driver's: `run`,
 * `beginTransaction`, `executeRead`, `executeWrite`, `lastBookmarks`,
 * `close`. `close` runs `onClose` once the driver's session has closed.
 * neo4j-driver 5's `readTransaction`/`writeTransaction` are not offered
 * (their transactions are not checked): use `executeRead`/`executeWrite`.
 */
export function hostedSession(
  session: Session,
  scope: DatabaseScope,
  onClose: () => void,
): Session {
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= session.close().finally(onClose);
    return closed;
  };
  const bookmarks = session.lastBookmarks.bind(session);
  return Object.freeze({
    run: checkedRun(session as unknown as Runner, scope),
    beginTransaction: (config?: Parameters<Session['beginTransaction']>[0]) =>
      pendingTransaction(session.beginTransaction(config), scope),
    executeRead: managedWork(session, 'executeRead', scope),
    executeWrite: managedWork(session, 'executeWrite', scope),
    lastBookmarks: () => bookmarks(),
    lastBookmark: () => bookmarks(),
    close,
    [Symbol.asyncDispose]: close,
  }) as unknown as Session;
}
