import { IngestError } from './ingest.errors';

/** The media type a route takes (parameters such as charset allowed), or 415 naming it. */
export function requireMediaType(contentType: string | undefined, ...accepted: string[]): void {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  if (type === undefined || !accepted.includes(type)) {
    throw new IngestError('UNSUPPORTED_MEDIA_TYPE', `content-type must be ${accepted.join(' or ')}, got ${contentType ?? 'none'}`);
  }
}
