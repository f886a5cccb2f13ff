import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsOptional, ValidateBy } from 'class-validator';

/**
 * Dates as the API accepts them: an ISO 8601 calendar date (`2026-01-31`, midnight UTC) or
 * date-time (`2026-01-31T12:00`, `…:00Z`, `…:00.123+02:00`; no offset means UTC), years
 * 1000..9999 (what every supported database stores). Other ISO 8601 forms (week dates
 * `2026-W05-3`, ordinal dates, expanded years) and impossible dates (`2026-02-30`) are refused:
 * `new Date()` cannot read the former and silently rolls the latter into another day.
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

export const DATE_FORMAT_HINT =
  'an ISO 8601 date or date-time in years 1000..9999, e.g. 2026-01-31 or 2026-01-31T12:00:00Z';

/** The instant a date string names, or undefined when it is not one the API accepts. */
export function parseIsoDateTime(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match
    .slice(1, 7)
    .map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const millis = match[7] ? Number(match[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetMinutes = zoneOffsetMinutes(match[8]);
  if (offsetMinutes === undefined) return undefined;
  const instant = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000);
  // An offset may carry an edge date over the year range (9999-12-31T23:00-02:00).
  const utcYear = instant.getUTCFullYear();
  return utcYear >= 1000 && utcYear <= 9999 ? instant : undefined;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.replace(':', '');
  const hours = Number(digits.slice(1, 3));
  const minutes = Number(digits.slice(3, 5));
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** A date query parameter: converted to a Date, or 400 naming the parameter and the format. */
export function QueryDate(description?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      format: 'date-time',
      description: description ? `${description} (${DATE_FORMAT_HINT})` : DATE_FORMAT_HINT,
    }),
    IsOptional(),
    Transform(({ value }) => parseIsoDateTime(value) ?? value),
    IsDate({ message: ({ property }) => `${property} must be ${DATE_FORMAT_HINT}` }),
  );
}

/** A date string in a body, kept as sent but checked with the same rules (normalise with parseIsoDateTime). */
export function IsIsoDateTime(): PropertyDecorator {
  return ValidateBy({
    name: 'isIsoDateTime',
    validator: {
      validate: (value: unknown) => parseIsoDateTime(value) !== undefined,
      defaultMessage: (args) => `${args?.property ?? 'value'} must be ${DATE_FORMAT_HINT}`,
    },
  });
}
