import { SetMetadata } from '@nestjs/common';

/** Marks a route or controller as reachable without credentials; every other route is authenticated. */
export const IS_PUBLIC = 'airan:public';
export const Public = () => SetMetadata(IS_PUBLIC, true);
