import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, preParsingHookHandler } from 'fastify';
import { EarlyRefusal, type ArrivingCall } from '@app/serving/inference/early-refusal.js';
import { requestCredential } from '../auth/credential.js';
import { CredentialsService } from '../auth/credentials.service.js';
import { receivedAt, requestTimeoutMs } from '../inference/request-timeout.js';
import { REQUEST_TIMEOUT_HEADER } from '@app/http/api-docs/api-docs.decorators.js';
import { answerFromHook } from './error-body.js';

export interface ModelRoutes {
  /** Predict: its deadline is the X-Request-Timeout-Ms header. */
  isPredict: (routeUrl: string) => boolean;
  /** V2 infer: its deadline is in the body, so only a full queue refuses it unread. */
  isV2Infer: (routeUrl: string) => boolean;
}

/**
 * Asks the model's queue before a predict or V2 infer body is read (EarlyRefusal): a call it would
 * refuse anyway is answered 503 INFERENCE_OVERLOADED now, without reading, parsing or validating the
 * body, and without an Error or the error path: under overload the refusals are most calls, and their
 * cost is what the HTTP thread cannot spend on reading the rest. Only a caller whose credential is
 * valid is answered so (the rate limiter has checked it by then, and keeps the answer): anyone else
 * goes on to the auth guard's 401, and learns nothing of the queue. A deadline header that cannot be
 * read is left to the route's 400.
 */
export function installEarlyRefusal(app: NestFastifyApplication, routes: ModelRoutes): void {
  const refusals = app.get(EarlyRefusal, { strict: false });
  const credentials = app.get(CredentialsService, { strict: false });
  // A callback hook: it runs on every model call and most pass straight on; a refusal is answered
  // from here (answerFromHook) and the hook's `done` is then never called.
  const refuseEarly =
    (v2: boolean): preParsingHookHandler =>
    (request, reply, payload, done) => {
      const call = arrivingCall(request, reply, v2);
      // The queue first (cheap, and most calls are admitted); the credential only for a refusal.
      const refused = call && refusals.refusalOf(call);
      if (!call || !refused) return done(null, payload);
      const credential = requestCredential(request.headers);
      if (credential === undefined) return done(null, payload);
      const refuseFor = (userId: number | undefined) => {
        if (userId === undefined) return done(null, payload);
        try {
          answerFromHook(request, reply, refusals.refuse(call, refused, userId));
        } catch (error) {
          done(error as Error);
        }
      };
      // A JWT the rate limiter has just verified is answered from its cache, without a promise.
      const subject = credentials.subjectOf(credential, request);
      if (subject instanceof Promise) subject.then(refuseFor, (error: Error) => done(error));
      else refuseFor(subject);
    };
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const v2 = routes.isV2Infer(route.url);
      if (!routes.isPredict(route.url) && !v2) return;
      // Which kind of call it is, known here once per route rather than on every call.
      route.preParsing = [...[route.preParsing ?? []].flat(), refuseEarly(v2)];
    });
}

/** The call as the queue sees it; undefined when its deadline header cannot be read (the route's 400). */
function arrivingCall(request: FastifyRequest, reply: FastifyReply, v2: boolean): ArrivingCall | undefined {
  const params = request.params as { name: string; version?: string };
  let timeoutMs: number | undefined;
  try {
    timeoutMs = v2 ? undefined : requestTimeoutMs(request.headers[REQUEST_TIMEOUT_HEADER.toLowerCase()]);
  } catch {
    return undefined;
  }
  return {
    name: params.name,
    version: params.version,
    timeoutMs,
    deadlineInBody: v2,
    receivedAt: receivedAt(reply),
    source: v2 ? 'oip' : 'http',
  };
}
