/**
 * The one catalogue of the machine codes an error body's `code` can carry: each with the HTTP
 * status it answers and what it means. Clients match on these, never on `message`. Throw sites,
 * the HTTP filter and the Swagger document all read this object, so a code that is not here does
 * not compile, and docs/error-codes.md is rendered from it (error-codes-doc.ts, checked by a spec).
 */
export const ERROR_CODES = {
  // The request itself
  VALIDATION_FAILED: { status: 400, description: 'One or more fields are invalid; `details` lists each bad field' },
  MALFORMED_JSON: { status: 400, description: 'The body is not valid JSON (or is empty where JSON is required)' },
  BODY_TOO_DEEP: { status: 400, description: 'The JSON body nests deeper than the server accepts' },
  BAD_REQUEST: {
    status: 400,
    description:
      'The request could not be read (a malformed path parameter, header ' +
      'or body framing; any other 4xx of the HTTP layer carries it too)',
  },
  BATCH_SIZE_OUT_OF_RANGE: {
    status: 400,
    description: 'A JSON array body holds fewer or more items than the route accepts',
  },
  SLUG_NOT_DERIVABLE: { status: 400, description: 'No slug can be derived from the name; send one' },
  CONSTRAINT_VIOLATION: { status: 400, description: 'A value breaks a database constraint' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body is larger than the limit' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The body has a content type the route does not read' },
  ROUTE_NOT_FOUND: { status: 404, description: 'No route answers this method and path' },
  REFERENCE_NOT_FOUND: { status: 404, description: 'A referenced record does not exist' },
  UNIQUE_VIOLATION: { status: 409, description: 'A record with the same unique value already exists' },
  RATE_LIMITED: { status: 429, description: 'Too many requests from this caller; retry later' },
  // Authentication and authorisation
  AUTH_TOKEN_MISSING: { status: 401, description: 'No bearer token or API key was sent' },
  AUTH_TOKEN_INVALID: { status: 401, description: 'The token is invalid, expired or revoked' },
  AUTH_API_KEY_INVALID: { status: 401, description: 'The API key is invalid, expired or revoked' },
  AUTH_INVALID_CREDENTIALS: { status: 401, description: 'Wrong username or password, or an inactive user' },
  AUTH_LOGIN_RATE_LIMITED: {
    status: 429,
    description: 'Too many login attempts from this address or for this account',
  },
  AUTH_ROLE_REQUIRED: { status: 403, description: "The caller's role does not allow this operation (admin only)" },
  AUTH_NOT_OWNER: { status: 403, description: 'The caller may only act on its own resources' },
  AUTH_API_KEY_SCOPE: { status: 403, description: "The API key's scopes do not cover this operation" },
  API_KEY_NOT_FOUND: { status: 404, description: "No such API key (or it is revoked, or not the caller's)" },
  API_KEY_SCOPE_EXCEEDS_ROLE: { status: 403, description: "The key asks for a scope its owner's role does not have" },
  API_KEY_EXPIRY_IN_PAST: { status: 400, description: 'expiresAt is not in the future' },
  // Users
  USER_NOT_FOUND: { status: 404, description: 'No such user (or not visible to the caller)' },
  USER_USERNAME_TAKEN: { status: 409, description: 'The username is already taken' },
  USER_EMAIL_TAKEN: { status: 409, description: 'The email is already registered' },
  USER_DUPLICATE_IN_REQUEST: { status: 409, description: 'A bulk request repeats a username or email' },
  USER_CURRENT_PASSWORD_REQUIRED: {
    status: 400,
    description: 'Changing the password, email or username needs currentPassword',
  },
  USER_CURRENT_PASSWORD_INCORRECT: { status: 403, description: 'currentPassword is wrong' },
  USER_CHANGED_MEANWHILE: {
    status: 409,
    description: 'The password changed while the request ran; check it and retry',
  },
  // Catalogue
  CATEGORY_NOT_FOUND: { status: 404, description: 'No such category (or parent category)' },
  CATEGORY_NAME_TAKEN: { status: 409, description: 'The category name is already taken' },
  CATEGORY_SLUG_TAKEN: { status: 409, description: 'The category slug is already taken' },
  CATEGORY_CYCLE: { status: 400, description: 'The parent would make a category its own ancestor' },
  PRODUCT_NOT_FOUND: { status: 404, description: 'No such product (or inactive, for a non-admin)' },
  PRODUCT_SKU_TAKEN: { status: 409, description: 'The SKU is already taken' },
  PRODUCT_SLUG_TAKEN: { status: 409, description: 'The product slug is already taken' },
  PRODUCT_NAME_TAKEN: { status: 409, description: 'A product with this name already exists in the category' },
  PRODUCT_STOCK_NEGATIVE: { status: 409, description: 'The stock delta would make the stock negative' },
  TAG_NOT_FOUND: { status: 404, description: 'No such tag' },
  TAG_NAME_TAKEN: { status: 409, description: 'The tag name is already taken' },
  TAG_SLUG_TAKEN: { status: 409, description: 'The tag slug is already taken' },
  // Orders
  ORDER_NOT_FOUND: { status: 404, description: "No such order (or not the caller's)" },
  ORDER_PRODUCT_INACTIVE: { status: 409, description: 'An ordered product is not available' },
  ORDER_INSUFFICIENT_STOCK: { status: 409, description: 'An ordered product has less stock than requested' },
  ORDER_STOCK_CHANGED: { status: 409, description: 'The stock changed while the order was placed; retry' },
  ORDER_TOTAL_TOO_LARGE: { status: 400, description: 'The order total exceeds the maximum' },
  ORDER_INVALID_TRANSITION: {
    status: 409,
    description: 'The status cannot move from the current one to the requested one',
  },
  ORDER_CHANGED_MEANWHILE: { status: 409, description: 'The order changed while the request ran; reload and retry' },
  ORDER_STATUS_FORBIDDEN: { status: 403, description: 'A customer may only cancel its own pending order' },
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    description: 'The Idempotency-Key header is not 1 to 255 visible ASCII characters',
  },
  IDEMPOTENCY_KEY_REUSED: { status: 409, description: 'The Idempotency-Key was used before with a different request' },
  IDEMPOTENCY_KEY_IN_PROGRESS: { status: 409, description: 'A request with this Idempotency-Key is still running' },
  // Models and inference
  MODEL_NOT_FOUND: { status: 404, description: 'No model of this name' },
  MODEL_VERSION_NOT_FOUND: { status: 404, description: 'No such version of the model' },
  MODEL_NOT_DEPLOYED: { status: 404, description: 'The model (or version) is not deployed' },
  MODEL_VERSION_EXISTS: { status: 409, description: 'The name and version are already uploaded' },
  MODEL_ARCHIVED: { status: 409, description: 'The version is archived; upload a new version instead' },
  MODEL_VERSION_IN_USE: {
    status: 409,
    description: 'The version is the target of an alias or in the traffic policy; change those first',
  },
  MODEL_ALIAS_NOT_FOUND: { status: 404, description: 'No such alias of the model' },
  MODEL_ALIAS_NAME_TAKEN: {
    status: 409,
    description: 'A version of the model already has the name the alias asks for',
  },
  MODEL_ALIAS_RESERVED: { status: 400, description: 'The alias name is reserved (production, latest)' },
  TRAFFIC_POLICY_NOT_FOUND: { status: 404, description: 'The model has no traffic policy' },
  MODEL_LOAD_FAILED: { status: 409, description: 'The runtime could not load the stored version' },
  MODEL_UPLOAD_INCOMPLETE: {
    status: 400,
    description: 'The multipart upload lacks its model file or weight files (TF.js), or has weight files (ONNX)',
  },
  MODEL_ARTIFACT_INVALID: {
    status: 400,
    description: 'The uploaded artifact does not load, or its files do not match its manifest',
  },
  MODEL_ARTIFACT_UNSUPPORTED: {
    status: 400,
    description: 'The model loads but cannot be served: outputs that are not tensors, element types JSON cannot carry',
  },
  MODEL_FRAMEWORK_MISMATCH: { status: 400, description: 'framework names another format than the artifact has' },
  MODEL_INPUT_SHAPE_MISMATCH: { status: 400, description: "inputShape disagrees with the model's input shape" },
  MODEL_FEATURE_NAMES_MISMATCH: {
    status: 400,
    description: 'featureNames does not name each input value of a flat inputShape',
  },
  MODEL_OUTPUT_LABELS_MISMATCH: {
    status: 400,
    description: 'outputLabels has another length than the model has outputs',
  },
  MODEL_NAME_INVALID: { status: 400, description: 'The model name or version has characters that are not allowed' },
  MODEL_NOT_READY: {
    status: 503,
    description:
      "Deployed models are still loading or failed to load on this replica (V2 readiness, in the protocol's body)",
  },
  MODEL_OVER_MEMORY_BUDGET: {
    status: 503,
    description:
      'The version does not fit INFERENCE_MEMORY_BUDGET_MB even after evicting every idle version ' +
      '(the rest are in use); retry after the Retry-After seconds',
  },
  MODEL_NOT_RESIDENT: {
    status: 503,
    description:
      'The version was evicted under the memory budget and did not load again within the wait ' +
      '(INFERENCE_LOAD_WAIT_MS) or failed to; retry after the Retry-After seconds',
  },
  MODEL_UNSUITABLE: {
    status: 400,
    description: 'The model cannot serve this route (e.g. no anomaly label for ingestion)',
  },
  INFERENCE_INPUT_INVALID: {
    status: 400,
    description: 'The inputs do not fit the model (row count, length, types, names)',
  },
  INFERENCE_OUTPUT_NOT_FINITE: { status: 400, description: 'The model produced a non-finite output for these inputs' },
  INFERENCE_OUTPUT_NOT_REPRESENTABLE: {
    status: 400,
    description: 'The model answered a value JSON cannot carry exactly for these inputs (an int64 beyond 2^53)',
  },
  INFERENCE_OVERLOADED: {
    status: 503,
    description:
      'The model version cannot start the request within its deadline (its queue is full, or the wait ' +
      'expected from its observed compute time is longer); nothing ran. Retry after the Retry-After seconds',
  },
  INFERENCE_DEADLINE_EXCEEDED: {
    status: 504,
    description: "The request's deadline passed while it waited for the model; it was dropped before it ran",
  },
  JOB_NOT_FOUND: { status: 404, description: "No such job (or not the caller's)" },
  JOB_ALREADY_FINISHED: { status: 409, description: 'The job has finished and cannot be cancelled' },
  // The service
  SERVER_BUSY: { status: 503, description: 'Too many large requests are in flight; retry shortly' },
  SERVICE_NOT_READY: { status: 503, description: 'A dependency the readiness check needs is down (`checks` names it)' },
  DATABASE_UNAVAILABLE: { status: 503, description: 'The database is unavailable' },
  INTERNAL_ERROR: { status: 500, description: 'Unexpected failure; the body carries the request id' },
} as const satisfies Record<string, { status: number; description: string }>;

/** A code of the catalogue: a typo does not compile. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes that answer one status, so a NotFoundError cannot carry a 409 code. */
export type ErrorCodeWithStatus<S extends number> = {
  [K in ErrorCode]: (typeof ERROR_CODES)[K]['status'] extends S ? K : never;
}[ErrorCode];

export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as ErrorCode[];
