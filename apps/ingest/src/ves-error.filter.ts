import { Catch, Injectable } from '@nestjs/common';
import { HttpErrorFilter, type MappedError } from '@airan/http';
import { type VesFieldError, buildVesRequestError } from '@airan/telemetry-formats';

/** VES endpoints answer failures with the spec's `requestError` body, plus the JSON path of every offending field. */
@Catch()
@Injectable()
export class VesErrorFilter extends HttpErrorFilter {
  protected override body({ message, details }: MappedError): unknown {
    return buildVesRequestError(Array.isArray(details) ? (details as VesFieldError[]) : [], message);
  }
}
