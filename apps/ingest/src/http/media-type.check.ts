import { IngestError } from '../ingest.errors';

/** The media type of a content-type header, without parameters such as charset, lower case. */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0].trim().toLowerCase();
}

/** The media type a route takes (parameters such as charset allowed), or 415 naming it. */
export function requireMediaType(contentType: string | undefined, ...accepted: string[]): void {
  const type = mediaType(contentType);
  if (type === undefined || !accepted.includes(type)) {
    throw new IngestError('UNSUPPORTED_MEDIA_TYPE', `content-type must be ${accepted.join(' or ')}, got ${contentType ?? 'none'}`);
  }
}
