import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { toPage, type Page } from '@app/common';
import { AppConfig } from '@app/config';
import { MetricsService } from '@app/serving/metrics/metrics.service.js';
import {
  MAX_ADDRESS_CHARS,
  MAX_LOGIN_CHARS,
  MAX_REQUEST_ID_CHARS,
  MAX_USER_AGENT_CHARS,
  OWN_EVENT_TYPES,
  type AuthEventType,
  type CredentialRejection,
  type LoginFailure,
} from './auth-event-types.js';
import { AuthEventMetrics } from './auth-event.metrics.js';
import { AuthEventWriter } from './auth-event.writer.js';
import { AuthEventsRepository } from './auth-events.repository.js';
import {
  toAuthEventDto,
  type AuthEventDto,
  type ListAuthEventsQueryDto,
  type OwnAuthEventsQueryDto,
} from './dto/auth-event.dto.js';
import { FailedSignIns } from './failed-sign-ins.js';
import type { RequestOrigin } from './request-origin.js';
import { RepeatFolder, type Folded } from './repeat-folder.js';

export interface AuthEventInput {
  type: AuthEventType;
  origin?: RequestOrigin;
  actorId?: number | null;
  subjectUserId?: number | null;
  apiKeyId?: number | null;
  /** Never a password, token or key: reasons, ids, role names, scopes. */
  details?: Record<string, unknown>;
}

/** Distinct (type, reason, address, key) per repeat window; more fold into one overflow entry. */
const MAX_FOLDED_KEYS = 1000;

/**
 * Records security events (written behind, never on the request's path), counts them in metrics,
 * folds repeated refusals (a flood of bad tokens stays a few rows) and warns once per account and
 * login window when failed sign-ins pass AUTH_SUSPICIOUS_FAILURES. Lists them for the routes.
 */
@Injectable()
export class AuthEventsService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('SecurityEvents');
  private readonly failures: FailedSignIns;
  private readonly repeats: RepeatFolder<AuthEventInput>;

  constructor(
    private readonly writer: AuthEventWriter,
    private readonly events: AuthEventsRepository,
    private readonly metrics: AuthEventMetrics,
    private readonly registry: MetricsService,
    config: AppConfig,
  ) {
    const { suspiciousFailures, loginWindowMs, repeatWindowMs } = config.authEvents;
    this.failures = new FailedSignIns(suspiciousFailures, loginWindowMs);
    this.repeats = new RepeatFolder(repeatWindowMs, MAX_FOLDED_KEYS, (folded) =>
      this.summarise(folded, repeatWindowMs),
    );
  }

  onModuleInit(): void {
    this.registry.onScrape(() => this.metrics.accountsUnderAttack.set(this.failures.underAttack()));
  }

  /** Repeats counted in the open window get their summary row before the writer's last flush. */
  beforeApplicationShutdown(): void {
    this.repeats.closeWindow();
  }

  record(event: AuthEventInput): void {
    this.metrics.events.inc({ type: event.type, outcome: outcomeOf(event) });
    this.writer.record(toRow(event, new Date()));
  }

  loginFailed(origin: RequestOrigin, login: string, reason: LoginFailure, subjectUserId?: number): void {
    this.record({ type: 'login_failed', origin, subjectUserId, details: { reason, login: boundedLogin(login) } });
    this.countFailure(login);
  }

  /** A refused sign-in (429): folded per address and account, and it counts towards an attack. */
  loginRateLimited(origin: RequestOrigin, login: string | undefined): void {
    const details = login === undefined ? {} : { login: boundedLogin(login) };
    this.recordFolded({ type: 'login_rate_limited', origin, details }, login ?? '');
    if (login !== undefined) this.countFailure(login);
  }

  /** A refused token or key: the first per address, reason and key in a window is stored, repeats are folded. */
  credentialRejected(event: AuthEventInput & { details: { reason: CredentialRejection } }): void {
    this.recordFolded(event, `${event.details.reason}|${event.apiKeyId ?? ''}`);
  }

  async list(query: ListAuthEventsQueryDto): Promise<Page<AuthEventDto>> {
    const { type, userId, address, from, to } = query;
    const [rows, total] = await this.events.list(
      { types: type ? [type] : undefined, userId, address, from, to },
      query,
    );
    return toPage(rows.map(toAuthEventDto), total, query);
  }

  async listOwn(userId: number, query: OwnAuthEventsQueryDto): Promise<Page<AuthEventDto>> {
    const types = query.type ? OWN_EVENT_TYPES.filter((own) => own === query.type) : OWN_EVENT_TYPES;
    const [rows, total] = await this.events.list({ types, subjectUserId: userId }, query);
    return toPage(rows.map(toAuthEventDto), total, query);
  }

  private recordFolded(event: AuthEventInput, key: string): void {
    const address = bounded(event.origin?.address, MAX_ADDRESS_CHARS) ?? '';
    if (this.repeats.admit(`${event.type}|${address}|${key}`, event, `${event.type}|overflow`)) this.record(event);
    else {
      this.metrics.events.inc({ type: event.type, outcome: outcomeOf(event) });
      this.metrics.repeatsFolded.inc({ type: event.type });
    }
  }

  private summarise({ first, repeats }: Folded<AuthEventInput>, windowMs: number): void {
    this.writer.record(toRow({ ...first, details: { ...first.details, repeats, windowMs } }, new Date()));
  }

  private countFailure(login: string): void {
    const account = boundedLogin(login);
    if (!this.failures.failed(account)) return;
    this.metrics.attacksDetected.inc();
    this.logger.warn(
      `Account under attack: more failed sign-ins than allowed in one window for ${JSON.stringify(account)}`,
    );
  }
}

const outcomeOf = (event: AuthEventInput): string =>
  typeof event.details?.reason === 'string' ? event.details.reason : 'ok';

/** As the users table compares names, and bounded. */
const boundedLogin = (login: string): string => login.trim().toLowerCase().slice(0, MAX_LOGIN_CHARS);

const bounded = (value: string | undefined, max: number): string | null =>
  value === undefined || value === '' ? null : value.slice(0, max);

function toRow(event: AuthEventInput, at: Date) {
  return {
    type: event.type,
    actorId: event.actorId ?? null,
    subjectUserId: event.subjectUserId ?? null,
    apiKeyId: event.apiKeyId ?? null,
    address: bounded(event.origin?.address, MAX_ADDRESS_CHARS),
    userAgent: bounded(event.origin?.userAgent, MAX_USER_AGENT_CHARS),
    requestId: bounded(event.origin?.requestId, MAX_REQUEST_ID_CHARS),
    details: event.details && Object.keys(event.details).length > 0 ? event.details : null,
    at,
  };
}
