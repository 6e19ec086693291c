import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { INFRA, type ServiceInfra, zodIssuePaths } from '@airan/http';
import { type Matcher, RuleFormatError, parseMatcher, silenceMatcherSchema, silenceRequestSchema } from '@airan/rule-engine';
import { Clock, IdGenerator } from '@airan/system';
import { AlertingError } from '../alerting.errors';
import { SilenceRepository, type StoredSilence } from './silence.repository';

const MAX_SILENCE_MS = 90 * 24 * 3600 * 1000;
const SILENCE_ID = z.string().uuid();

/** Creating and expiring silences (Alertmanager's model, plus ending when the silenced alert resolves). */
@Injectable()
export class ManageSilencesUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra,
    private readonly silences: SilenceRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  create(body: unknown, createdBy: string): Promise<StoredSilence> {
    const parsed = silenceRequestSchema.safeParse(body);
    if (!parsed.success) throw new AlertingError('INVALID_SILENCE', 'the silence is invalid', zodIssuePaths(parsed.error.issues, '$'));
    const now = this.clock.now();
    const { startsAt: start, endsAt: end, comment, endsOnResolve } = parsed.data;
    const startsAt = start ? Math.max(Date.parse(start), now) : now;
    const endsAt = Date.parse(end);
    if (endsAt <= startsAt) throw new AlertingError('INVALID_SILENCE', 'endsAt must be after startsAt and in the future', [{ path: '$.endsAt', code: 'INVALID_VALUE', message: 'must be after startsAt and now' }]);
    if (endsAt - startsAt > MAX_SILENCE_MS) throw new AlertingError('INVALID_SILENCE', 'a silence lasts at most 90 days', [{ path: '$.endsAt', code: 'INVALID_VALUE', message: 'at most 90 days after startsAt' }]);
    const matchers = parsed.data.matchers.map((m, i) => toMatcher(m, `$.matchers[${i}]`));
    return this.infra.dataSource.transaction((tx) => this.silences.insert(tx, { id: this.ids.uuid(), matchers, startsAt, endsAt, createdBy, comment, endsOnResolve }));
  }

  async expire(id: string): Promise<void> {
    // Silence ids are uuids: any other text names no silence, and must not reach the uuid column as a cast error (a 500).
    if (!SILENCE_ID.safeParse(id).success) throw new AlertingError('SILENCE_NOT_FOUND', `no running silence has id ${id}`);
    const expired = await this.infra.dataSource.transaction((tx) => this.silences.expire(tx, [id], 'user', this.clock.now()));
    if (expired.length === 0) throw new AlertingError('SILENCE_NOT_FOUND', `no running silence has id ${id}`);
  }
}

function toMatcher(m: z.infer<typeof silenceMatcherSchema>, path: string): Matcher {
  try {
    // Objects are checked like text, so an invalid regex is caught either way.
    return parseMatcher(typeof m === 'string' ? m : `${m.name}${m.op}${JSON.stringify(m.value)}`);
  } catch (error) {
    if (error instanceof RuleFormatError) throw new AlertingError('INVALID_SILENCE', `invalid matcher: ${error.message}`, [{ path, code: 'INVALID_VALUE', message: error.message }]);
    throw error;
  }
}
