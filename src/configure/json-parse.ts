// A strict JSON (RFC 8259) scanner that keeps the position of every value and object member, so
// the configure program can (1) refuse what JSON.parse would accept silently (duplicate keys) or
// reject with an engine-specific message (comments, trailing commas: we say which, with line and
// column), and (2) edit a file in place, touching only the members it changes.
// Values themselves are taken from JSON.parse, so their semantics are exactly the engine's.

export type JsonNode = JsonObjectNode | JsonArrayNode | JsonScalarNode;

export interface JsonObjectNode {
  kind: 'object';
  start: number;
  end: number;
  members: JsonMember[];
}

export interface JsonArrayNode {
  kind: 'array';
  start: number;
  end: number;
  items: JsonNode[];
}

export interface JsonScalarNode {
  kind: 'string' | 'number' | 'true' | 'false' | 'null';
  start: number;
  end: number;
}

export interface JsonMember {
  key: string;
  /** Offset of the opening quote of the key. */
  keyStart: number;
  /** Offset just after the closing quote of the key. */
  keyEnd: number;
  value: JsonNode;
}

export const JSON_PROBLEMS = [
  'comment',
  'trailing_comma',
  'single_quote',
  'unquoted_key',
  'unexpected_char',
  'unexpected_end',
  'duplicate_key',
  'bad_escape',
  'control_in_string',
  'bad_number',
  'extra_content',
  'too_deep',
] as const;
export type JsonProblem = (typeof JSON_PROBLEMS)[number];

export const JSON_TYPES = ['object', 'array', 'string', 'number', 'boolean', 'null'] as const;

export interface JsonSyntaxError {
  problem: JsonProblem;
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in characters of that line. */
  column: number;
  /** The offending character (described), or the duplicated key. */
  detail: string;
}

export type JsonParseResult = { ok: true; root: JsonNode } | { ok: false; error: JsonSyntaxError };

const MAX_DEPTH = 1000;

class ParseFailure {
  constructor(
    readonly problem: JsonProblem,
    readonly offset: number,
    readonly detail: string = '',
  ) {}
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** A printable description of the character at `offset`: the character itself, or U+XXXX. */
export function describeChar(text: string, offset: number): string {
  const cp = text.codePointAt(offset);
  if (cp === undefined) return '';
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  if (cp < 0x21 || (cp >= 0x7f && cp <= 0xa0) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) return hex;
  return `"${String.fromCodePoint(cp)}" (${hex})`;
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(problem: JsonProblem, offset: number, detail = ''): never {
    throw new ParseFailure(problem, offset, detail);
  }

  skipWs(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (isWs(c)) {
        this.pos++;
        continue;
      }
      if (c === 0x2f /* / */) {
        const n = t.charCodeAt(this.pos + 1);
        if (n === 0x2f || n === 0x2a) this.fail('comment', this.pos);
      }
      return;
    }
  }

  unexpected(): never {
    if (this.pos >= this.text.length) this.fail('unexpected_end', this.text.length);
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x27 /* ' */) this.fail('single_quote', this.pos);
    this.fail('unexpected_char', this.pos, describeChar(this.text, this.pos));
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) this.fail('too_deep', this.pos);
    this.skipWs();
    const t = this.text;
    const c = t.charCodeAt(this.pos);
    switch (c) {
      case 0x7b /* { */:
        return this.object(depth);
      case 0x5b /* [ */:
        return this.array(depth);
      case 0x22 /* " */: {
        const start = this.pos;
        this.string();
        return { kind: 'string', start, end: this.pos };
      }
      case 0x74 /* t */:
        return this.literal('true');
      case 0x66 /* f */:
        return this.literal('false');
      case 0x6e /* n */:
        return this.literal('null');
      default:
        if (c === 0x2d || isDigit(c)) return this.number();
        return this.unexpected();
    }
  }

  literal(word: 'true' | 'false' | 'null'): JsonScalarNode {
    const start = this.pos;
    for (let i = 0; i < word.length; i++) {
      if (this.text.charCodeAt(this.pos) !== word.charCodeAt(i)) this.unexpected();
      this.pos++;
    }
    return { kind: word, start, end: this.pos };
  }

  number(): JsonScalarNode {
    const t = this.text;
    const start = this.pos;
    if (t.charCodeAt(this.pos) === 0x2d) this.pos++;
    const first = t.charCodeAt(this.pos);
    if (first === 0x30) {
      this.pos++;
    } else if (isDigit(first)) {
      while (isDigit(t.charCodeAt(this.pos))) this.pos++;
    } else {
      this.fail('bad_number', start);
    }
    if (t.charCodeAt(this.pos) === 0x2e /* . */) {
      this.pos++;
      if (!isDigit(t.charCodeAt(this.pos))) this.fail('bad_number', start);
      while (isDigit(t.charCodeAt(this.pos))) this.pos++;
    }
    const e = t.charCodeAt(this.pos);
    if (e === 0x65 || e === 0x45) {
      this.pos++;
      const s = t.charCodeAt(this.pos);
      if (s === 0x2b || s === 0x2d) this.pos++;
      if (!isDigit(t.charCodeAt(this.pos))) this.fail('bad_number', start);
      while (isDigit(t.charCodeAt(this.pos))) this.pos++;
    }
    // "01", "1.2.3", "1x" are not numbers; report them here rather than as a missing comma.
    const next = t.charCodeAt(this.pos);
    if (isDigit(next) || next === 0x2e || (next >= 0x41 && next <= 0x5a) || (next >= 0x61 && next <= 0x7a)) {
      this.fail('bad_number', start);
    }
    return { kind: 'number', start, end: this.pos };
  }

  /** Scans a string starting at the opening quote; returns true when it contains an escape. */
  string(): boolean {
    const t = this.text;
    this.pos++; // opening quote
    let escaped = false;
    for (;;) {
      if (this.pos >= t.length) this.fail('unexpected_end', t.length);
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        this.pos++;
        return escaped;
      }
      if (c < 0x20) this.fail('control_in_string', this.pos, describeChar(t, this.pos));
      if (c === 0x5c /* \ */) {
        escaped = true;
        const n = t.charCodeAt(this.pos + 1);
        if (n === 0x75 /* u */) {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) this.fail('bad_escape', this.pos);
          this.pos += 6;
          continue;
        }
        // " \ / b f n r t
        if (n === 0x22 || n === 0x5c || n === 0x2f || n === 0x62 || n === 0x66 || n === 0x6e || n === 0x72 || n === 0x74) {
          this.pos += 2;
          continue;
        }
        if (this.pos + 1 >= t.length) this.fail('unexpected_end', t.length);
        this.fail('bad_escape', this.pos);
      }
      this.pos++;
    }
  }

  object(depth: number): JsonObjectNode {
    const t = this.text;
    const start = this.pos;
    this.pos++; // {
    const members: JsonMember[] = [];
    const seen = new Set<string>();
    this.skipWs();
    if (t.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return { kind: 'object', start, end: this.pos, members };
    }
    for (;;) {
      this.skipWs();
      const c = t.charCodeAt(this.pos);
      if (c !== 0x22) {
        if (this.pos >= t.length) this.fail('unexpected_end', t.length);
        if (c === 0x7d && members.length > 0) this.fail('trailing_comma', this.pos);
        if (c === 0x27) this.fail('single_quote', this.pos);
        if (/[A-Za-z_$]/.test(t.charAt(this.pos))) this.fail('unquoted_key', this.pos);
        this.unexpected();
      }
      const keyStart = this.pos;
      const escaped = this.string();
      const keyEnd = this.pos;
      const raw = t.slice(keyStart, keyEnd);
      const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      if (seen.has(key)) this.fail('duplicate_key', keyStart, key);
      seen.add(key);
      this.skipWs();
      if (t.charCodeAt(this.pos) !== 0x3a /* : */) this.unexpected();
      this.pos++;
      const value = this.value(depth + 1);
      members.push({ key, keyStart, keyEnd, value });
      this.skipWs();
      const sep = t.charCodeAt(this.pos);
      if (sep === 0x2c) {
        this.pos++;
        continue;
      }
      if (sep === 0x7d) {
        this.pos++;
        return { kind: 'object', start, end: this.pos, members };
      }
      this.unexpected();
    }
  }

  array(depth: number): JsonArrayNode {
    const t = this.text;
    const start = this.pos;
    this.pos++; // [
    const items: JsonNode[] = [];
    this.skipWs();
    if (t.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return { kind: 'array', start, end: this.pos, items };
    }
    for (;;) {
      this.skipWs();
      if (t.charCodeAt(this.pos) === 0x5d && items.length > 0) this.fail('trailing_comma', this.pos);
      items.push(this.value(depth + 1));
      this.skipWs();
      const sep = t.charCodeAt(this.pos);
      if (sep === 0x2c) {
        this.pos++;
        continue;
      }
      if (sep === 0x5d) {
        this.pos++;
        return { kind: 'array', start, end: this.pos, items };
      }
      this.unexpected();
    }
  }

  document(): JsonNode {
    const root = this.value(0);
    this.skipWs();
    if (this.pos < this.text.length) this.fail('extra_content', this.pos, describeChar(this.text, this.pos));
    return root;
  }
}

/** Parses `text` (no BOM) strictly. Never throws for bad input. */
export function parseJsonStrict(text: string): JsonParseResult {
  const parser = new Parser(text);
  try {
    return { ok: true, root: parser.document() };
  } catch (e) {
    if (e instanceof ParseFailure) {
      const { line, column } = lineColumn(text, e.offset);
      return { ok: false, error: { problem: e.problem, offset: e.offset, line, column, detail: e.detail } };
    }
    throw e;
  }
}

/** The type of a parsed JSON value, as named in messages. */
export function jsonTypeName(value: unknown): (typeof JSON_TYPES)[number] {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}
