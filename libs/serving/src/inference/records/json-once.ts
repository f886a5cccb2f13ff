/**
 * The JSON of an object that is serialised twice, written once. A predict's predictions go both
 * into its response and, at the next flush, into the prediction log (boundedJson): profiled at 64
 * rows, each JSON.stringify was 5–6 % of the process. The text is kept beside the object (weakly:
 * it goes when the object does); the object must not change after it is first serialised, which
 * holds for predictions (built once, then only read).
 */
const texts = new WeakMap<object, string>();

/** JSON.stringify(value), reusing the text of an object already serialised here. */
export function jsonOnce(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

/**
 * A reply serializer for an object with one large member already in JSON text: the object's own
 * keys in order, as JSON.stringify writes them (undefined, function and symbol members left out),
 * with `key`'s text from jsonOnce. Anything else (an error body) is plain JSON.stringify.
 */
export function serializeWithJsonOnce(body: object, key: string): (payload: unknown) => string {
  return (payload) => {
    if (payload !== body) return JSON.stringify(payload);
    const members: string[] = [];
    for (const [name, value] of Object.entries(body)) {
      const text = name === key ? jsonOnce(value) : JSON.stringify(value);
      if (text !== undefined) members.push(`${JSON.stringify(name)}:${text}`);
    }
    return `{${members.join(',')}}`;
  };
}
