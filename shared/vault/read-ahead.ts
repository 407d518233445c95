/**
 * `load(item)` of each item, yielded in the items' order, with up to `ahead` loads running beyond
 * the one being consumed: from S3 each load is a round trip of its own, which would otherwise be
 * waited for one at a time. A load that fails fails in its turn, after the ones before it were
 * yielded; if the consumer stops early, the loads still running are left to finish unobserved.
 */
export async function* inOrderAhead<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  load: (item: T) => Promise<R>,
  ahead: number,
): AsyncGenerator<R> {
  const loading: Promise<R>[] = [];
  for await (const item of items) {
    const loaded = load(item);
    loaded.catch(() => undefined); // observed where it is awaited, below
    loading.push(loaded);
    if (loading.length > ahead) yield await (loading.shift() as Promise<R>);
  }
  for (let next = loading.shift(); next; next = loading.shift()) yield await next;
}
