/**
 * A frontend on another origin, as a page: plain fetch calls from the page's own script, so the
 * browser applies CORS to every one (preflights for JSON bodies, PATCH, PUT, DELETE and the custom
 * headers; only exposed response headers readable). `window.runShop(settings)` runs the flow and
 * answers what the page could see.
 */
export const SHOP_PAGE = `<!doctype html>
<meta charset="utf-8">
<title>Shop on another origin</title>
<script>
async function call(api, method, path, { token, apiKey, body, headers } = {}) {
  const response = await fetch(api + path, {
    method,
    headers: {
      ...(token ? { Authorization: 'Bearer ' + token } : {}),
      ...(apiKey ? { 'X-API-Key': apiKey } : {}),
      ...(body ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const header = (name) => response.headers.get(name);
  return { status: response.status, body: text ? JSON.parse(text) : null, header };
}

window.runShop = async ({ api, username, password, productId, tagIds, idempotencyKey }) => {
  const login = await call(api, 'POST', '/api/v1/auth/token', { body: { username, password } });
  const token = login.body.access_token;
  const place = () =>
    call(api, 'POST', '/api/v1/orders', {
      token,
      body: { items: [{ productId, quantity: 1 }] },
      headers: { 'Idempotency-Key': idempotencyKey, 'X-Request-Id': 'browser-' + idempotencyKey },
    });
  const order = await place();
  const replay = await place();
  const cancel = await call(api, 'PATCH', '/api/v1/orders/' + order.body.id + '/status', {
    token,
    body: { status: 'cancelled' },
  });
  const tags = await call(api, 'PUT', '/api/v1/products/' + productId + '/tags', { token, body: { tagIds } });
  const key = await call(api, 'POST', '/api/v1/auth/api-keys', { token, body: { name: 'browser', scopes: ['read'] } });
  const withKey = await call(api, 'GET', '/api/v1/orders', { apiKey: key.body.key });
  const revoke = await call(api, 'DELETE', '/api/v1/auth/api-keys/' + key.body.id, { token });
  const revokedKey = await call(api, 'GET', '/api/v1/orders', { apiKey: key.body.key });
  const predict = await call(api, 'POST', '/api/v1/inference/order-value/predict', {
    token,
    body: { inputs: [[1, 10, 1, 0]] },
    headers: { 'X-Request-Timeout-Ms': '10000' },
  });
  return {
    login: login.status,
    order: { status: order.status, id: order.body.id, location: order.header('Location') },
    replay: {
      status: replay.status,
      id: replay.body.id,
      replayed: replay.header('Idempotent-Replayed'),
      requestId: replay.header('X-Request-Id'),
    },
    cancel: { status: cancel.status, orderStatus: cancel.body.status },
    tags: { status: tags.status, tagIds: (tags.body.tags || []).map((tag) => tag.id) },
    apiKey: { created: key.status, used: withKey.status, revoked: revoke.status, afterRevoke: revokedKey.status },
    predict: { status: predict.status, modelVersion: predict.header('X-Model-Version'), version: predict.body.version },
  };
};
</script>
<p>A page that calls the API from another origin.</p>
`;
