// Changes to a JSON object, as data: set a member to a value, or delete it. Pure helpers.

export type JsonObject = { [key: string]: unknown };

export type Op =
  | { kind: 'set'; path: readonly string[]; value: unknown }
  | { kind: 'delete'; path: readonly string[] };

/** Whether a key is an own member of a plain object (never the prototype chain). */
export function hasOwn(obj: unknown, key: string): boolean {
  return typeof obj === 'object' && obj !== null && Object.prototype.hasOwnProperty.call(obj, key);
}

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path`, or `{ present: false }`. */
export function getAt(root: JsonObject, path: readonly string[]): { present: true; value: unknown } | { present: false } {
  let node: unknown = root;
  for (const key of path) {
    if (!isPlainObject(node) || !hasOwn(node, key)) return { present: false };
    node = node[key];
  }
  return { present: true, value: node };
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function setOwn(obj: JsonObject, key: string, value: unknown): void {
  if (hasOwn(obj, key)) obj[key] = value;
  else Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Returns a copy of `root` with the ops applied in order (parents must exist). */
export function applyOpsToValue(root: JsonObject, ops: readonly Op[]): JsonObject {
  const result = clone(root);
  for (const op of ops) {
    let node: unknown = result;
    for (const key of op.path.slice(0, -1)) {
      node = isPlainObject(node) && hasOwn(node, key) ? node[key] : undefined;
    }
    if (!isPlainObject(node)) throw new Error('internal: op parent is not an object');
    const key = op.path[op.path.length - 1] as string;
    if (op.kind === 'set') setOwn(node, key, clone(op.value));
    else delete node[key];
  }
  return result;
}

/** Structural equality; object member order is ignored. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => hasOwn(bo, k) && deepEqual(ao[k], bo[k]));
}
