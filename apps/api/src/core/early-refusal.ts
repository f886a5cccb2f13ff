import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EarlyRefusal } from '@app/serving/inference/early-refusal.js';
import { requestCredential } from '../auth/credential.js';
import { CredentialsService } from '../auth/credentials.service.js';
import { receivedAt, requestTimeoutMs } from '../inference/request-timeout.js';
import { REQUEST_TIMEOUT_HEADER } from '@app/http/api-docs/api-docs.decorators.js';

export interface ModelRoutes {
  /** Predict: its deadline is the X-Request-Timeout-Ms header. */
  isPredict: (routeUrl: string) => boolean;
  /** V2 infer: its deadline is in the body, so only a full queue refuses it unread. */
  isV2Infer: (routeUrl: string) => boolean;
}

/**
 * Asks the model's queue before a predict or V2 infer body is read (EarlyRefusal): a call it would
 * refuse anyway is answered 503 INFERENCE_OVERLOADED now, without reading, parsing or validating the
 * body. Only a caller whose credential is valid is answered so (the rate limiter has checked it by
 * then, and keeps the answer): anyone else goes on to the auth guard's 401, and learns nothing of the
 * queue. A deadline header that cannot be read is left to the route's 400.
 */
export function installEarlyRefusal(app: NestFastifyApplication, routes: ModelRoutes): void {
  const refusals = app.get(EarlyRefusal, { strict: false });
  const credentials = app.get(CredentialsService, { strict: false });
  const refuseEarly = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const params = request.params as { name: string; version?: string };
    const v2 = routes.isV2Infer(request.routeOptions.url ?? '');
    let timeoutMs: number | undefined;
    try {
      timeoutMs = v2 ? undefined : requestTimeoutMs(request.headers[REQUEST_TIMEOUT_HEADER.toLowerCase()]);
    } catch {
      return payload;
    }
    const call = {
      name: params.name,
      version: params.version,
      timeoutMs,
      deadlineInBody: v2,
      receivedAt: receivedAt(reply),
      source: v2 ? ('oip' as const) : ('http' as const),
    };
    // The queue first (cheap, and most calls are admitted); the credential only for a refusal.
    const refused = refusals.refusalOf(call);
    if (!refused) return payload;
    const credential = requestCredential(request.headers);
    const userId = credential === undefined ? undefined : await credentials.subjectOf(credential, request);
    if (userId === undefined) return payload;
    return refusals.refuse(call, refused, userId);
  };
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if (!routes.isPredict(route.url) && !routes.isV2Infer(route.url)) return;
      route.preParsing = [...[route.preParsing ?? []].flat(), refuseEarly];
    });
}
